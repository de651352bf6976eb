import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import './app/global.css';
import { chooseBackend, probeWebGpu } from './runtime/capabilities';
import { styleModels } from './models/catalog';
import { useAppStore } from './state/store';

async function detectBackend(): Promise<void> {
  const gpu = await probeWebGpu();
  const requested = new URLSearchParams(location.search).get('backend');
  useAppStore.setState({ gpu, backend: chooseBackend(requested, gpu) });
}

useAppStore.setState({ styleId: styleModels[0]?.id ?? '' });
void detectBackend();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

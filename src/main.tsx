import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import './app/global.css';
import { styleModels } from './models/catalog';
import { chooseBackend, probeWebGpu } from './runtime/capabilities';
import { appRoot, openFiles } from './state/actions';
import { useAppStore } from './state/store';
import { onLaunchFiles, registerServiceWorker, takeSharedFiles } from './sw/register';

async function detectBackend(): Promise<void> {
  const gpu = await probeWebGpu();
  const requested = new URLSearchParams(location.search).get('backend');
  useAppStore.setState({ gpu, backend: chooseBackend(requested, gpu) });
}

useAppStore.setState({ styleId: styleModels[0]?.id ?? '' });
void detectBackend();
registerServiceWorker(appRoot());
onLaunchFiles((files) => void openFiles(files));
void takeSharedFiles().then(async (files) => {
  if (files.length > 0) await openFiles(files);
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

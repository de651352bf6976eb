import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import './app/global.css';
import { defaultTask, findTask } from './features/registry';
import { chooseBackend, probeWebGpu } from './runtime/capabilities';
import { appRoot } from './state/actions';
import { openMany } from './state/batch';
import { restoreSession } from './state/persist';
import { useAppStore } from './state/store';
import { onLaunchFiles, registerServiceWorker, takeSharedFiles } from './sw/register';

async function detectBackend(): Promise<void> {
  const gpu = await probeWebGpu();
  const requested = new URLSearchParams(location.search).get('backend');
  useAppStore.setState({ gpu, backend: chooseBackend(requested, gpu) });
}

/** Files from the OS or the share sheet go to the chosen task, as a drop would (many photos: a batch). */
const openForTask = (files: FileList | File[]) => openMany(files, findTask(useAppStore.getState().task));

useAppStore.setState({ task: defaultTask.meta.id });
// Nothing lost on a reload: the last task and input come back (src/state/persist.ts).
void restoreSession((id) => findTask(id).meta.id === id, (file) => openForTask([file]));
void detectBackend();
registerServiceWorker(appRoot());
onLaunchFiles((files) => void openForTask(files));
void takeSharedFiles().then(async (files) => {
  if (files.length > 0) await openForTask(files);
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

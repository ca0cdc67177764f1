import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { useApp } from './store';
import './styles.css';

window.api.on('contactsChanged', () => useApp.getState().contactsChanged());
window.api.on('statusChanged', () => void useApp.getState().refreshStatus());
window.api.on('syncProgress', (p) => useApp.getState().onProgress(p));
window.api.on('syncStarted', (p) => useApp.getState().onSyncStarted(p));
window.api.on('syncFinished', (p) => useApp.getState().onSyncFinished(p));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

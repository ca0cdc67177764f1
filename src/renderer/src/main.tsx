import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { useApp } from './store';
import './styles.css';

window.api.on('contactsChanged', () => useApp.getState().contactsChanged());
window.api.on('statusChanged', () => void useApp.getState().refreshStatus());
window.api.on('syncProgress', (p) => useApp.getState().onProgress(p));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

import './zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n';
import { App } from './app/App';

// Typing into a pre-filled date picker must replace its date, not append to it: antd keeps the old
// date when the typed text does not parse, and the form then saves it without a word. The text is
// selected on focus (and the click's mouseup is kept from collapsing that selection).
document.addEventListener('focusin', (e) => {
  const input = e.target;
  if (!(input instanceof HTMLInputElement) || !input.closest('.ant-picker')) return;
  input.select();
  input.addEventListener('mouseup', (m) => m.preventDefault(), { once: true });
});

const root = document.getElementById('root');
if (!root) throw new Error('#root missing');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// The service worker (built by vite-plugin-pwa) keeps the app shell and the teacher's recent data on the
// phone, so the app opens without a connection. Browsers allow it on HTTPS and on localhost only.
if (import.meta.env.PROD && 'serviceWorker' in navigator && window.isSecureContext) {
  window.addEventListener('load', () => {
    void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  });
}

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

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { toast } from './state/index.ts';
import './styles.css';

// Last-resort reporting: anything that escapes a handler becomes a toast, never a blank screen.
window.addEventListener('error', (e) => {
  toast('error', `Unexpected error: ${e.message}`);
});
window.addEventListener('unhandledrejection', (e) => {
  const reason: unknown = e.reason;
  toast('error', `Unexpected error: ${reason instanceof Error ? reason.message : String(reason)}`);
});

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The renderer is a static bundle: the engine's web host (and Electron) serve dist/renderer/.
 * `base: './'` keeps asset URLs relative so file:// (Electron) and http:// both work.
 *
 * For `vite dev`, STRATA_ENGINE=http://127.0.0.1:PORT proxies /ws to a running engine.
 */
const engine = process.env.STRATA_ENGINE;

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
  },
  server: engine ? { proxy: { '/ws': { target: engine, ws: true } } } : {},
});

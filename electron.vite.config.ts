import fs from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, mergeConfig } from 'electron-vite';
import type { RendererViteConfig, UserConfig } from 'electron-vite';
import { loadConfigFromFile } from 'vite';
import type { ConfigEnv } from 'vite';

/**
 * `electron-vite build` -> out/main (index.js + engine-process.js, ESM), out/preload/index.cjs
 * (CommonJS: sandboxed preloads cannot be ES modules) and out/renderer (the same React app as the
 * web build, from renderer/).
 */
const root = import.meta.dirname;
const rendererConfigFile = path.join(root, 'renderer/vite.config.ts');

/**
 * The renderer's own vite config (owned with the UI) minus what is specific to the web build:
 * its plugins, resolve, define, css and build tuning carry over; root, base, output folder,
 * entry and the dev server are the Electron build's.
 */
async function rendererConfig(env: ConfigEnv): Promise<RendererViteConfig> {
  let shared: RendererViteConfig = { plugins: [react()] };
  if (fs.existsSync(rendererConfigFile)) {
    const loaded = await loadConfigFromFile(env, rendererConfigFile, root);
    if (loaded) {
      const { root: _root, base: _base, server: _server, preview: _preview, build, ...rest } = loaded.config;
      const { outDir: _outDir, emptyOutDir: _empty, ...buildRest } = build ?? {};
      shared = { ...rest, build: buildRest };
    }
  }
  return mergeConfig(shared, {
    root: path.join(root, 'renderer'),
    build: {
      outDir: path.join(root, 'out/renderer'),
      emptyOutDir: true,
      rolldownOptions: { input: { index: path.join(root, 'renderer/index.html') } },
    },
  });
}

export default defineConfig(
  async (env): Promise<UserConfig> => ({
    main: {
      build: {
        outDir: path.join(root, 'out/main'),
        // Runtime dependencies (better-sqlite3 above all: a native addon) load from node_modules.
        externalizeDeps: { include: ['better-sqlite3'] },
        rolldownOptions: {
          input: {
            index: path.join(root, 'main/index.ts'),
            'engine-process': path.join(root, 'main/engine-process.ts'),
          },
        },
      },
    },
    preload: {
      build: {
        outDir: path.join(root, 'out/preload'),
        rolldownOptions: {
          input: { index: path.join(root, 'main/preload.ts') },
          output: { format: 'cjs', entryFileNames: '[name].cjs' },
        },
      },
    },
    renderer: await rendererConfig(env),
  }),
);

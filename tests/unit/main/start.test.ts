import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronBinary, hasDisplay, planStart, rendererIsStale } from '../../../scripts/start.ts';
import type { ElectronProbe } from '../../../scripts/start.ts';

const PKG = '/repo/node_modules/electron';

function probe(files: Record<string, string>, env: Record<string, string> = {}, platform: NodeJS.Platform = 'linux'): ElectronProbe {
  return {
    packageDir: PKG,
    env,
    platform,
    readText: (f) => files[f] ?? null,
    isFile: (f) => f in files,
  };
}

describe('findElectronBinary', () => {
  it('when path.txt and the binary exist then that binary is used', () => {
    const r = findElectronBinary(probe({ [path.join(PKG, 'path.txt')]: 'electron', [path.join(PKG, 'dist/electron')]: '' }));
    expect(r).toEqual({ ok: true, binary: path.join(PKG, 'dist/electron') });
  });

  it('when path.txt is missing then it says the binary was never downloaded', () => {
    const r = findElectronBinary(probe({}));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/path\.txt/);
  });

  it('when path.txt exists but the binary does not then it is missing', () => {
    const r = findElectronBinary(probe({ [path.join(PKG, 'path.txt')]: 'electron' }));
    expect(r.ok).toBe(false);
  });

  it('when ELECTRON_OVERRIDE_DIST_PATH is set then the binary is taken from there', () => {
    const r = findElectronBinary(probe({ '/opt/electron/electron': '' }, { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' }));
    expect(r).toEqual({ ok: true, binary: '/opt/electron/electron' });
  });

  it('when the electron package is absent then it says so', () => {
    expect(findElectronBinary({ ...probe({}), packageDir: null })).toEqual({ ok: false, reason: 'the electron package is not installed' });
  });
});

describe('hasDisplay', () => {
  it('when on Linux without DISPLAY or WAYLAND_DISPLAY then there is none; other systems always have one', () => {
    expect(hasDisplay('linux', {})).toBe(false);
    expect(hasDisplay('linux', { DISPLAY: ':0' })).toBe(true);
    expect(hasDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(hasDisplay('darwin', {})).toBe(true);
    expect(hasDisplay('win32', {})).toBe(true);
  });
});

describe('rendererIsStale', () => {
  it('when there is no build or a source is newer then it is stale', () => {
    expect(rendererIsStale(null, 0)).toBe(true);
    expect(rendererIsStale(100, 200)).toBe(true);
    expect(rendererIsStale(200, 200)).toBe(false);
    expect(rendererIsStale(300, 200)).toBe(false);
  });
});

describe('planStart', () => {
  const electron = { ok: true as const, binary: '/e/electron' };
  const missing = { ok: false as const, reason: 'node_modules/electron/path.txt not found' };

  it('when Electron is usable then it builds with electron-vite and launches it with the args', () => {
    const plan = planStart({ args: ['--data-dir', '/d', '--seed', '3'], electron, display: true, rendererStale: true });
    expect(plan).toEqual({
      mode: 'electron',
      notice: null,
      steps: [{ kind: 'build-electron' }, { kind: 'launch-electron', binary: '/e/electron', args: ['--data-dir', '/d', '--seed', '3'] }],
    });
  });

  it('when the binary is missing then one line says so and web mode serves with the same args', () => {
    const plan = planStart({ args: ['--port', '8080', '--data-dir', '/d'], electron: missing, display: true, rendererStale: false });
    expect(plan.mode).toBe('web');
    expect(plan.notice).toMatch(/Electron binary is missing/);
    expect(plan.notice).not.toContain('\n');
    expect(plan.steps).toEqual([{ kind: 'serve-web', args: ['--port', '8080', '--data-dir', '/d'] }]);
  });

  it('when the renderer build is stale then web mode rebuilds it first', () => {
    const plan = planStart({ args: [], electron: missing, display: true, rendererStale: true });
    expect(plan.steps.map((s) => s.kind)).toEqual(['build-renderer', 'serve-web']);
  });

  it('when there is no display then web mode is used even with a binary', () => {
    const plan = planStart({ args: [], electron, display: false, rendererStale: false });
    expect(plan.mode).toBe('web');
    expect(plan.notice).toMatch(/no display/);
  });

  it('when --web is given then web mode is forced and the flag is not passed on', () => {
    const plan = planStart({ args: ['--web', '--port', '1'], electron, display: true, rendererStale: false });
    expect(plan.mode).toBe('web');
    expect(plan.steps).toEqual([{ kind: 'serve-web', args: ['--port', '1'] }]);
  });
});

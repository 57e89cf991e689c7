import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineArgs, engineEnv, parseAppArgs, resolveDataDir } from '../../../main/config.ts';
import { isFromEngine, isToEngine } from '../../../main/messages.ts';

describe('parseAppArgs', () => {
  it('when both option forms are used then both are read', () => {
    expect(parseAppArgs(['.', '--data-dir', '/d', '--seed=12'])).toEqual({ dataDir: '/d', seed: 12 });
    expect(parseAppArgs(['--data-dir=/x'])).toEqual({ dataDir: '/x' });
  });

  it('when a value is missing or not a number then the option is ignored', () => {
    expect(parseAppArgs(['--data-dir', '--seed', 'abc'])).toEqual({});
    expect(parseAppArgs(['--seed', '-1'])).toEqual({});
  });
});

describe('resolveDataDir', () => {
  const base = { env: {}, userData: '/home/u/.config/Strata', cwd: '/work' };
  it('when --data-dir is given then it wins, resolved against the cwd', () => {
    expect(resolveDataDir({ ...base, argDir: 'data', env: { STRATA_DATA_DIR: '/env' } })).toBe(path.resolve('/work', 'data'));
  });
  it('when only STRATA_DATA_DIR is set then it is used', () => {
    expect(resolveDataDir({ ...base, env: { STRATA_DATA_DIR: '/env' } })).toBe(path.resolve('/env'));
  });
  it('when nothing is set then Electron userData is used', () => {
    expect(resolveDataDir(base)).toBe(path.resolve('/home/u/.config/Strata'));
  });
});

describe('engine messages', () => {
  it('when args are built then the seed is optional', () => {
    expect(engineArgs('/d')).toEqual(['--data-dir', '/d']);
    expect(engineArgs('/d', 3)).toEqual(['--data-dir', '/d', '--seed', '3']);
  });
  it('when a message is checked then only our shapes pass', () => {
    expect(isToEngine({ type: 'strata:connect' })).toBe(true);
    expect(isToEngine({ type: 'strata:ready', pid: 1 })).toBe(false);
    expect(isFromEngine({ type: 'strata:ready', pid: 1 })).toBe(true);
    expect(isFromEngine({ type: 'strata:ready' })).toBe(false);
    expect(isFromEngine({ type: 'strata:fatal', message: 'x' })).toBe(true);
    expect(isFromEngine(null)).toBe(false);
  });
});

describe('engineEnv (issue 8, Electron)', () => {
  it('when main has NODE_OPTIONS, ELECTRON_RUN_AS_NODE and LD_PRELOAD then the engine gets none of them, only the allow-listed variables and its data dir', () => {
    const env = engineEnv(
      {
        NODE_OPTIONS: '--require /tmp/evil.js',
        NODE_EXTRA_CA_CERTS: '/tmp/ca.pem',
        ELECTRON_RUN_AS_NODE: '1',
        LD_PRELOAD: '/tmp/x.so',
        AWS_SECRET_ACCESS_KEY: 'nope',
        PATH: '/usr/bin',
        HOME: '/home/me',
        LANG: 'en_GB.UTF-8',
        LC_ALL: 'C',
        TZ: 'UTC',
        XDG_RUNTIME_DIR: '/run/user/1000',
        STRATA_LOG_LEVEL: 'debug',
        STRATA_DATA_DIR: '/elsewhere',
        EMPTY: undefined,
      },
      '/data/strata',
    );
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/me', LANG: 'en_GB.UTF-8', LC_ALL: 'C', TZ: 'UTC', XDG_RUNTIME_DIR: '/run/user/1000', STRATA_LOG_LEVEL: 'debug', STRATA_DATA_DIR: '/data/strata' });
  });
});

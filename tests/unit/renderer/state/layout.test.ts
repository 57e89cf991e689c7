import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { layoutId, layoutStorage, operatorId, resetLayout, restoreScreen, setScreen, useStore } from '../../../../renderer/src/state/index.ts';
import { initialState } from '../../../../renderer/src/state/store.ts';

/** A Storage in memory (the unit project runs in Node, without a DOM). */
class MemoryStorage implements Storage {
  private readonly m = new Map<string, string>();
  get length(): number {
    return this.m.size;
  }
  clear(): void {
    this.m.clear();
  }
  getItem(k: string): string | null {
    return this.m.get(k) ?? null;
  }
  key(i: number): string | null {
    return [...this.m.keys()][i] ?? null;
  }
  removeItem(k: string): void {
    this.m.delete(k);
  }
  setItem(k: string, v: string): void {
    this.m.set(k, String(v));
  }
  keys(): string[] {
    return [...this.m.keys()].sort();
  }
}

/** What react-resizable-panels stores under a group id. */
const panelsKey = (id: string): string => `react-resizable-panels:${id}`;

let storage: MemoryStorage;

beforeEach(() => {
  storage = new MemoryStorage();
  vi.stubGlobal('window', { localStorage: storage });
  useStore.setState(initialState(), true);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('screen layouts per operator', () => {
  it('when no operator is named then layouts belong to "default"; a named one gets their own keys, a malformed name does not', () => {
    expect(layoutId('trading', 'main')).toBe('strata.layout.default.trading.main');
    storage.setItem('strata.operator', 'desk-2');
    expect(layoutId('risk', 'columns')).toBe('strata.layout.desk-2.risk.columns');
    storage.setItem('strata.operator', '../../etc');
    expect(operatorId()).toBe('default');
  });

  it('when an operator has no trading layout yet then the one saved before screens existed is read, and their own wins once saved', () => {
    storage.setItem(panelsKey('strata.layout.main'), '{"legacy":1}');
    const key = panelsKey(layoutId('trading', 'main'));
    expect(layoutStorage.getItem(key)).toBe('{"legacy":1}');
    // Only the trading screen inherits it.
    expect(layoutStorage.getItem(panelsKey(layoutId('risk', 'main')))).toBeNull();
    layoutStorage.setItem(key, '{"own":1}');
    expect(layoutStorage.getItem(key)).toBe('{"own":1}');
  });

  it('when a screen is reset then its saved layouts go (the legacy ones too for trading), other screens and operators keep theirs, and it remounts', () => {
    storage.setItem(panelsKey('strata.layout.main'), 'legacy');
    storage.setItem(panelsKey(layoutId('trading', 'main')), 't-main');
    storage.setItem(panelsKey(layoutId('trading', 'left')), 't-left');
    storage.setItem(panelsKey(layoutId('risk', 'columns')), 'r-cols');
    storage.setItem(panelsKey('strata.layout.desk-2.trading.main'), 'other operator');

    resetLayout('trading');
    expect(storage.keys()).toEqual([panelsKey('strata.layout.default.risk.columns'), panelsKey('strata.layout.desk-2.trading.main')]);
    expect(useStore.getState().layoutRev).toEqual({ trading: 1 });
    // Nothing left to fall back to: the screen takes its defaults.
    expect(layoutStorage.getItem(panelsKey(layoutId('trading', 'main')))).toBeNull();

    resetLayout('risk');
    expect(storage.keys()).toEqual([panelsKey('strata.layout.desk-2.trading.main')]);
    expect(useStore.getState().layoutRev).toEqual({ trading: 1, risk: 1 });
  });

  it('when the operator switches screens then the choice is kept and restored, unless the app no longer has that screen', () => {
    expect(useStore.getState().screen).toBe('trading');
    setScreen('risk');
    expect(useStore.getState().screen).toBe('risk');

    useStore.setState(initialState(), true);
    restoreScreen(['trading', 'risk']);
    expect(useStore.getState().screen).toBe('risk');

    useStore.setState(initialState(), true);
    restoreScreen(['trading']);
    expect(useStore.getState().screen).toBe('trading');
  });

  it('when storage is unavailable then layouts are simply not kept', () => {
    vi.stubGlobal('window', {
      get localStorage(): Storage {
        throw new Error('SecurityError');
      },
    });
    expect(layoutStorage.getItem('x')).toBeNull();
    expect(() => layoutStorage.setItem('x', 'y')).not.toThrow();
    expect(() => setScreen('risk')).not.toThrow();
    expect(useStore.getState().screen).toBe('risk');
  });
});

import { describe, expect, it } from 'vitest';
import type { ReplayStateDto } from '../../../../src/contract/index.ts';
import { replayKeyAction } from '../../../../renderer/src/features/replay/replay-keys.ts';
import { SHORTCUTS } from '../../../../renderer/src/app/keyboard.ts';

const key = (code: string, mods: { ctrl?: boolean; shift?: boolean; alt?: boolean } = {}) => ({ code, ctrlKey: mods.ctrl ?? false, shiftKey: mods.shift ?? false, altKey: mods.alt ?? false, metaKey: false });
const replay = (over: Partial<ReplayStateDto>): ReplayStateDto => ({ loaded: true, file: 'tape.csv', format: 'trades-csv', symbols: ['XRP/ETH'], position: 1, start: 0, end: 10, speed: 'max', playing: false, events: 10, played: 1, generation: 0, ended: false, ...over });

describe('replay play/pause from the keyboard (lead note, issue 12)', () => {
  it('when a replay is loaded then Space where it presses nothing else, and Ctrl+Shift+P anywhere, play a paused replay and pause a playing one', () => {
    expect(replayKeyAction(key('Space'), replay({ playing: false }), false)).toBe('play');
    expect(replayKeyAction(key('Space'), replay({ playing: true }), false)).toBe('pause');
    expect(replayKeyAction(key('KeyP', { ctrl: true, shift: true }), replay({ playing: true }), true)).toBe('pause');
    expect(replayKeyAction(key('KeyP', { ctrl: true, shift: true }), replay({ playing: false }), true)).toBe('play');
  });

  it('when Space is on a field, a button or a row, or a modifier is held, or no replay is loaded, or it ended paused, then the key is not the replay\'s', () => {
    expect(replayKeyAction(key('Space'), replay({ playing: true }), true)).toBeNull();
    expect(replayKeyAction(key('Space', { shift: true }), replay({ playing: true }), false)).toBeNull();
    expect(replayKeyAction(key('KeyP', { alt: true }), replay({ playing: true }), false)).toBeNull();
    expect(replayKeyAction(key('KeyP', { ctrl: true }), replay({ playing: true }), false)).toBeNull();
    expect(replayKeyAction(key('Space'), null, false)).toBeNull();
    expect(replayKeyAction(key('Space'), replay({ loaded: false }), false)).toBeNull();
    expect(replayKeyAction(key('Space'), replay({ ended: true, playing: false }), false)).toBeNull();
  });

  it('when the help lists the shortcuts then the replay toggle is there, and no other shortcut takes Space or Ctrl+Shift+P', () => {
    const rows = SHORTCUTS.filter(([k]) => /Space|Ctrl\+Shift\+P/.test(k));
    expect(rows).toEqual([['Space  /  Ctrl+Shift+P', 'Replay: play / pause (while a replay is loaded)']]);
  });
});

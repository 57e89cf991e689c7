import type { ReplayStateDto } from '../../../../src/contract/index.ts';

/** The parts of a key event the replay's shortcut reads (a DOM KeyboardEvent has them). */
export interface KeyLike {
  code: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

/**
 * What a key does to a loaded replay: Ctrl+Shift+P toggles play/pause from anywhere; Space does
 * where it would press nothing else (not in a field, on a button, a checkbox or a grid row), as
 * in a video player. Null: not the replay's key (or no replay loaded, or it has ended and is paused).
 */
export function replayKeyAction(e: KeyLike, replay: ReplayStateDto | null, targetInteractive: boolean): 'play' | 'pause' | null {
  if (!replay?.loaded) return null;
  const chord = e.ctrlKey && e.shiftKey && !e.altKey && !e.metaKey && e.code === 'KeyP';
  const space = e.code === 'Space' && !e.ctrlKey && !e.shiftKey && !e.altKey && !e.metaKey && !targetInteractive;
  if (!chord && !space) return null;
  if (replay.playing) return 'pause';
  return replay.ended ? null : 'play';
}

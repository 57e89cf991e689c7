import { useEffect, useReducer, useState } from 'react';
import type { ReactNode } from 'react';
import { REPLAY_SPEEDS } from '../../../../src/contract/index.ts';
import type { ReplaySpeed } from '../../../../src/contract/index.ts';
import { replayPause, replayPlay, replaySeek, replaySpeed, replayStep, replayStop, useStore } from '../../state/index.ts';
import { SeekDrag } from './seek-drag.ts';
import './replay.css';

/** UTC, to the second: a recording's times are the venue's, not the viewer's zone. */
function fmt(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z';
}

/**
 * The VCR of a loaded replay, under the top bar: play, pause, step, speed, a position slider and the
 * replay's time. Shown only while a replay is loaded; the rest of the terminal is the replay account.
 */
export function ReplayBar(): ReactNode {
  const r = useStore((s) => s.replay);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [drag] = useState(() => new SeekDrag(replaySeek, rerender));
  useEffect(() => () => drag.dispose(), [drag]);
  if (!r || !r.loaded) return null;
  const position = drag.shown(r.position);
  const span = Math.max(1, r.end - r.start);
  const pct = ((position - r.start) / span) * 100;
  const progress = drag.progress(r.position, r.start);
  return (
    <section className="replay-bar" role="region" aria-label="Replay">
      <span className="replay-tag" title={`Replaying ${r.file ?? ''} (${r.symbols.join(', ')}) on a replay account apart from paper`}>
        REPLAY
      </span>
      <span className="replay-file muted" title={r.file ?? ''}>
        {(r.file ?? '').split(/[\\/]/).pop()}
      </span>
      <button type="button" className="btn" onClick={() => void replayPlay()} disabled={r.playing || r.ended} aria-pressed={r.playing}>
        Play
      </button>
      <button type="button" className="btn" onClick={() => void replayPause()} disabled={!r.playing}>
        Pause
      </button>
      <button type="button" className="btn" onClick={() => void replayStep()} disabled={r.ended} title="Play the next recorded trade, then pause">
        Step
      </button>
      <label className="replay-speed">
        <span>Speed</span>
        <select aria-label="Speed" value={r.speed} onChange={(e) => void replaySpeed(e.target.value as ReplaySpeed)}>
          {REPLAY_SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s === 'max' ? 'max' : `${s}×`}
            </option>
          ))}
        </select>
      </label>
      <input
        className="replay-slider"
        type="range"
        aria-label="Position"
        aria-valuetext={fmt(position)}
        min={r.start}
        max={r.end}
        step="any"
        value={position}
        onChange={(e) => drag.slide(Number(e.target.value), r.position)}
        style={{ ['--pct' as string]: `${pct}%` }}
      />
      <output className="replay-time mono" aria-label="Replay time" title={`${fmt(r.start)} .. ${fmt(r.end)}`}>
        {fmt(position)}
      </output>
      {progress !== null ? (
        <span className="replay-seeking muted mono" role="status" aria-label="Seek progress">
          seeking {Math.round(progress * 100)}%
        </span>
      ) : null}
      <span className="replay-count muted mono" title="Recorded trades played">
        {/* With its unit: a bare 283/12,477 read as nothing in particular. */}
        {r.played.toLocaleString('en-US')}/{r.events.toLocaleString('en-US')} trades
        {r.ended ? ' · ended' : ''}
      </span>
      <button type="button" className="btn replay-stop" onClick={() => void replayStop()} title="Unload the replay and go back to the paper account">
        Stop replay
      </button>
    </section>
  );
}

import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { REPLAY_SPEEDS } from '../../../../src/contract/index.ts';
import type { ReplaySpeed } from '../../../../src/contract/index.ts';
import { replayPause, replayPlay, replaySeek, replaySpeed, replayStep, replayStop, useStore } from '../../state/index.ts';
import './replay.css';

/** UTC, to the second: a recording's times are the venue's, not the viewer's zone. */
function fmt(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z';
}

/** Wall ms a dragged slider waits for the hand to rest before it seeks (each seek back rebuilds the account). */
const SEEK_SETTLE_MS = 200;

/**
 * The VCR of a loaded replay, under the top bar: play, pause, step, speed, a position slider and the
 * replay's time. Shown only while a replay is loaded; the rest of the terminal is the replay account.
 */
export function ReplayBar(): ReactNode {
  const r = useStore((s) => s.replay);
  const [drag, setDrag] = useState<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  if (!r || !r.loaded) return null;
  const position = drag ?? r.position;
  const span = Math.max(1, r.end - r.start);
  const pct = ((position - r.start) / span) * 100;
  const onSlide = (v: number) => {
    setDrag(v);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      void replaySeek(v).finally(() => setDrag(null));
    }, SEEK_SETTLE_MS);
  };
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
        onChange={(e) => onSlide(Number(e.target.value))}
        style={{ ['--pct' as string]: `${pct}%` }}
      />
      <output className="replay-time mono" aria-label="Replay time" title={`${fmt(r.start)} .. ${fmt(r.end)}`}>
        {fmt(position)}
      </output>
      <span className="replay-count muted mono" title="Recorded trades played">
        {r.played.toLocaleString('en-US')}/{r.events.toLocaleString('en-US')}
        {r.ended ? ' · ended' : ''}
      </span>
      <button type="button" className="btn replay-stop" onClick={() => void replayStop()} title="Unload the replay and go back to the paper account">
        Stop replay
      </button>
    </section>
  );
}

import type { ReactNode } from 'react';
import { AccountStats } from './AccountStats.tsx';
import { focusTarget } from '../shared/focus.ts';
import { useEngineNow, useWallNow } from '../shared/time.ts';
import { ScreenNav, openApprovals } from './screens.tsx';
import { pressKillSwitch, setHelp, setResumeOpen, useStore } from '../state/index.ts';
import type { ConnectionState } from '../state/index.ts';

function ConnectionBadge({ conn, onRetry }: { conn: ConnectionState; onRetry: () => void }): ReactNode {
  // The retry time is the browser's own clock.
  const now = useWallNow(500);
  let text: string;
  let cls: string;
  switch (conn.phase) {
    case 'open':
      text = conn.kind === 'ipc' ? 'Connected (IPC)' : 'Connected';
      cls = 'ok';
      break;
    case 'connecting':
      text = 'Connecting…';
      cls = 'warn';
      break;
    case 'reconnecting': {
      const secs = conn.retryAt ? Math.max(0, Math.ceil((conn.retryAt - now) / 1000)) : 0;
      text = conn.retryAt ? `Reconnecting in ${secs}s` : 'Reconnecting…';
      cls = 'warn';
      break;
    }
    case 'unauthorized':
      text = 'Not authorized';
      cls = 'bad';
      break;
  }
  return (
    <div className={`conn conn-${cls}`} role="status" aria-label={`Connection: ${text}`} title={conn.detail ?? text}>
      <span className="dot" aria-hidden="true" />
      <span className="conn-text">{text}</span>
      {conn.phase === 'reconnecting' && conn.retryAt && (
        <button type="button" className="link-btn" onClick={onRetry}>
          Retry now
        </button>
      )}
    </div>
  );
}

/** The L1 trading state, always in view; a click opens the Risk panel. */
function TradingStateBadge(): ReactNode {
  const st = useStore((s) => s.tradingState);
  const mode = st?.mode ?? null;
  const cause = st?.cause ? `${st.cause.code}${st.cause.message ? `: ${st.cause.message}` : ''}` : '';
  const label = mode ? `Trading state: ${mode}${cause ? ` (${cause})` : ''}` : 'Trading state: unknown';
  return (
    <div className="tstate-wrap">
      <button
        type="button"
        className={`tstate tstate-${mode ?? 'unknown'}`}
        aria-label={label}
        title={`${label}. Open the Risk panel (Alt+R)`}
        onClick={() => focusTarget('risk')}
      >
        <span className="tstate-dot" aria-hidden="true" />
        {mode ?? '…'}
      </button>
      <span className="sr-only" role="status" aria-live="assertive">
        {mode ? `Trading ${mode}` : ''}
      </span>
      <KillSwitchCheckChip />
      {mode && mode !== 'ACTIVE' && (
        <button type="button" className="btn resume-btn" onClick={() => setResumeOpen(true)} title="Resume trading (asks for confirmation)">
          Resume…
        </button>
      )}
    </div>
  );
}

/** Whether the last kill switch's cancels are all confirmed final by the venue (while HALTED). */
function KillSwitchCheckChip(): ReactNode {
  const st = useStore((s) => s.tradingState);
  const check = st?.killSwitchCheck ?? null;
  if (!check || st?.mode === 'ACTIVE') return null;
  const text =
    check.status === 'verifying'
      ? 'Cancels: verifying…'
      : check.status === 'confirmed'
        ? 'Cancels: all confirmed'
        : `Cancels: ${check.pending.length} UNCONFIRMED`;
  const title =
    check.status === 'unconfirmed'
      ? `Still open after ${check.rounds} checks (cancels re-sent, venue asked): ${check.pending.join(', ')}`
      : `Kill switch check: ${check.status}, ${check.rounds} check(s)`;
  return (
    <span className={`kill-check kill-check-${check.status}`} role="status" aria-label={`Kill switch ${text}`} title={title}>
      {text}
    </span>
  );
}

/** Proposals waiting for the operator; a click (or Ctrl+5) opens the approval queue with the keyboard in it. */
function ProposalsBadge(): ReactNode {
  const n = useStore((s) => s.waitingCount);
  const frozen = useStore((s) => s.queueFrozen.frozen || s.tradingState?.mode === 'HALTED');
  const label = `Proposals waiting: ${n}`;
  return (
    <button
      type="button"
      className={`proposals-badge ${n > 0 ? 'has' : ''} ${frozen ? 'frozen' : ''}`}
      aria-label={label}
      title={`${label}${frozen ? ' (queue frozen)' : ''}. Open the approval queue`}
      onClick={() => openApprovals()}
    >
      <span className="pb-label">Proposals</span>
      <span className="pb-count mono">{n}</span>
    </button>
  );
}

function KillSwitch(): ReactNode {
  const busy = useStore((s) => s.killBusy);
  const connected = useStore((s) => s.conn.phase === 'open');
  return (
    <button
      type="button"
      className="kill-btn"
      aria-label="Kill switch"
      aria-keyshortcuts="Control+Shift+K"
      aria-busy={busy}
      disabled={!connected}
      title="Kill switch: halt trading and cancel every order and algo at once (Ctrl+Shift+K)"
      onClick={() => void pressKillSwitch()}
    >
      <span className="kill-icon" aria-hidden="true">
        ■
      </span>
      KILL
    </button>
  );
}

export function TopBar({ onRetry }: { onRetry: () => void }): ReactNode {
  const session = useStore((s) => s.session);
  const conn = useStore((s) => s.conn);
  const now = useEngineNow(1000);
  const mode = session?.mode ?? null;
  const venue = session?.venue ?? '';

  return (
    <header className="topbar" role="banner">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          ◢◤
        </span>
        <span className="brand-name">STRATA</span>
      </div>
      <ScreenNav />
      {mode && (
        <span className={`mode mode-${mode}`} title={`Engine mode ${mode}, venue ${venue}${session?.account ? `, account ${session.account}` : ''}`} aria-label={`Mode: ${mode} on ${venue}${session?.account ? `, account ${session.account}` : ''}`}>
          {mode.toUpperCase()} · {venue.toUpperCase()}
          {session?.account ? ` · ${session.account}` : ''}
        </span>
      )}
      <ConnectionBadge conn={conn} onRetry={onRetry} />
      <TradingStateBadge />
      <ProposalsBadge />
      <AccountStats />
      <div className="topbar-right">
        <KillSwitch />
        <span className="clock mono" title="Engine time">
          {new Date(now).toLocaleTimeString('en-GB', { hour12: false })}
        </span>
        {session?.version && <span className="muted version">v{session.version}</span>}
        <button type="button" className="icon-btn help-btn" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
          ?
        </button>
      </div>
    </header>
  );
}

import { useEffect, useMemo, useRef } from 'react';
import type { ReactNode } from 'react';
import { ReplayBar } from '../features/replay/ReplayBar.tsx';
import { ResumeDialog } from '../features/risk/ResumeDialog.tsx';
import { attach, detach, orderNotionalLimit, restoreScreen, restoreSideTab, setConnState, toast, useStore } from '../state/index.ts';
import { onGlobalKey } from './keyboard.ts';
import { HelpOverlay, Toasts } from './Overlays.tsx';
import { SCREEN_IDS, ScreenView } from './screens.tsx';
import { TopBar } from './TopBar.tsx';
import { connect } from './transport.ts';
import type { Connection } from './transport.ts';

/**
 * The shell: connection lifecycle, top bar, the current screen, status line and overlays. What a
 * screen shows is the screen router's business (screens.tsx); shortcuts are in keyboard.ts.
 */

function AuthBanner(): ReactNode {
  const conn = useStore((s) => s.conn);
  if (conn.phase !== 'unauthorized') return null;
  return (
    <div className="banner banner-bad" role="alert">
      <strong>Not connected to the engine.</strong> {conn.detail ?? 'The access token was refused.'}
    </div>
  );
}

function StatusLine(): ReactNode {
  const loading = useStore((s) => s.loading);
  const phase = useStore((s) => s.conn.phase);
  const detail = useStore((s) => s.conn.detail);
  const session = useStore((s) => s.session);
  const openOrders = useStore((s) => s.openOrders);
  const riskLimits = useStore((s) => s.riskLimits);
  const maxOrder = useMemo(() => orderNotionalLimit(riskLimits, null), [riskLimits]);
  return (
    <footer className="statusline">
      {/* "Live" read as the live account even on a replay: say connected, and which account the engine trades. */}
      <span>{phase === 'open' ? (loading ? 'Loading snapshots…' : `Connected${session ? ` · ${session.mode}` : ''}`) : (detail ?? 'Offline')}</span>
      {session && (
        <span className="muted">
          {session.venue} · {session.instruments.length} instrument{session.instruments.length === 1 ? '' : 's'}
          {maxOrder ? ` · max order ${maxOrder.hard.toLocaleString('en-US')} ${session.currency}` : ''}
          {maxOrder && maxOrder.soft !== null ? ` (confirm above ${maxOrder.soft.toLocaleString('en-US')})` : ''}
        </span>
      )}
      <span className="muted">{openOrders} open order{openOrders === 1 ? '' : 's'}</span>
      <span className="spacer" />
      <span className="muted">
        <kbd>Ctrl+1</kbd>…<kbd>Ctrl+{SCREEN_IDS.length}</kbd> screens · <kbd>F2</kbd> ticket · <kbd>Alt+O</kbd> orders · <kbd>Alt+R</kbd> risk · <kbd>Ctrl+Shift+K</kbd> kill · <kbd>?</kbd> shortcuts
      </span>
    </footer>
  );
}

export function App(): ReactNode {
  const connRef = useRef<Connection | null>(null);

  useEffect(() => {
    let wasUp = false;
    const conn = connect({
      onUp(client) {
        if (wasUp) toast('info', 'Reconnected to the engine');
        wasUp = true;
        attach(client);
      },
      onDown() {
        detach();
        toast('warn', 'Lost the connection to the engine');
      },
      onState: setConnState,
    });
    connRef.current = conn;
    restoreScreen(SCREEN_IDS);
    restoreSideTab();
    window.addEventListener('keydown', onGlobalKey);
    return () => {
      window.removeEventListener('keydown', onGlobalKey);
      conn.close();
      connRef.current = null;
    };
  }, []);

  return (
    <div className="app">
      <TopBar onRetry={() => connRef.current?.retryNow()} />
      <ReplayBar />
      <AuthBanner />
      <main className="main">
        <ScreenView />
      </main>
      <StatusLine />
      <Toasts />
      <HelpOverlay />
      <ResumeDialog />
    </div>
  );
}

import { useEffect, useMemo, useRef } from 'react';
import type { ReactNode } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { Blotter } from './components/Blotter.tsx';
import { DepthBook } from './components/DepthBook.tsx';
import { SidePanel } from './components/OrderDetail.tsx';
import { OrderTicket } from './components/OrderTicket.tsx';
import { HelpOverlay, PanelBoundary, Toasts } from './components/Overlays.tsx';
import { PriceChart } from './components/PriceChart.tsx';
import { TopBar } from './components/TopBar.tsx';
import { TradeTape } from './components/TradeTape.tsx';
import { Watchlist } from './components/Watchlist.tsx';
import { URGENCIES } from '../../src/contract/index.ts';
import { focusTarget } from './focus.ts';
import { ResumeDialog } from './components/RiskPanel.tsx';
import { attach, detach, focusTicket, orderNotionalLimit, pressKillSwitch, setConnState, setHelp, setOrderType, toast, updateTicket, useStore } from './store.ts';
import { connect } from './transport.ts';
import type { Connection } from './transport.ts';

function isEditable(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

function cycleUrgency(): void {
  const cur = useStore.getState().ticket.urgency;
  const next = URGENCIES[(URGENCIES.indexOf(cur) + 1) % URGENCIES.length] ?? 'immediate';
  updateTicket({ urgency: next });
}

/** Global shortcuts; see SHORTCUTS in Overlays.tsx for the list shown to the user. */
function onGlobalKey(e: KeyboardEvent): void {
  if (e.defaultPrevented) return;
  // The kill switch works from anywhere, inputs and dialogs included: it only ever makes things safer.
  if (e.ctrlKey && e.shiftKey && !e.altKey && !e.metaKey && e.code === 'KeyK') {
    e.preventDefault();
    void pressKillSwitch('Kill switch (Ctrl+Shift+K)');
    return;
  }
  if (e.key === 'F2' || (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyT')) {
    e.preventDefault();
    if (useStore.getState().helpOpen) setHelp(false);
    focusTicket();
    return;
  }
  if (e.altKey && !e.ctrlKey && !e.metaKey) {
    const map: Record<string, () => void> = {
      KeyO: () => focusTarget('orders'),
      KeyF: () => focusTarget('fills'),
      KeyP: () => focusTarget('positions'),
      KeyW: () => focusTarget('watchlist'),
      KeyB: () => updateTicket({ side: 'buy' }),
      KeyS: () => updateTicket({ side: 'sell' }),
      KeyL: () => setOrderType('limit'),
      KeyM: () => setOrderType('market'),
      KeyU: () => cycleUrgency(),
      KeyD: () => focusTarget('detail'),
      KeyR: () => focusTarget('risk'),
    };
    const fn = map[e.code];
    if (fn) {
      e.preventDefault();
      fn();
    }
    return;
  }
  if (e.key === '?' && !e.ctrlKey && !e.metaKey && !isEditable(e.target)) {
    e.preventDefault();
    setHelp(!useStore.getState().helpOpen);
    return;
  }
  if (e.key === 'Escape' && useStore.getState().helpOpen) {
    e.preventDefault();
    setHelp(false);
  }
}

function Handle({ dir }: { dir: 'h' | 'v' }): ReactNode {
  return <Separator className={`sep sep-${dir}`} />;
}

function useLayout(id: string): ReturnType<typeof useDefaultLayout> {
  return useDefaultLayout({ id: `strata.layout.${id}`, storage: window.localStorage, onlySaveAfterUserInteractions: true });
}

function Workspace(): ReactNode {
  const main = useLayout('main');
  const left = useLayout('left');
  const center = useLayout('center');
  const top = useLayout('top');
  const right = useLayout('right');
  const bottom = useLayout('bottom');
  return (
    <Group orientation="horizontal" id="g-main" className="workspace" defaultLayout={main.defaultLayout} onLayoutChanged={main.onLayoutChanged}>
      <Panel id="p-left" defaultSize="340px" minSize="280px" maxSize="460px" groupResizeBehavior="preserve-pixel-size">
        <Group orientation="vertical" id="g-left" defaultLayout={left.defaultLayout} onLayoutChanged={left.onLayoutChanged}>
          <Panel id="p-watch" defaultSize="172px" minSize="100px" groupResizeBehavior="preserve-pixel-size">
            <PanelBoundary name="Watchlist">
              <Watchlist />
            </PanelBoundary>
          </Panel>
          <Handle dir="v" />
          <Panel id="p-ticket" minSize="320px">
            <PanelBoundary name="Order ticket">
              <OrderTicket />
            </PanelBoundary>
          </Panel>
        </Group>
      </Panel>
      <Handle dir="h" />
      <Panel id="p-center" minSize="600px">
        <Group orientation="vertical" id="g-center" defaultLayout={center.defaultLayout} onLayoutChanged={center.onLayoutChanged}>
          <Panel id="p-top" defaultSize="61%" minSize="240px">
            <Group orientation="horizontal" id="g-top" defaultLayout={top.defaultLayout} onLayoutChanged={top.onLayoutChanged}>
              <Panel id="p-chart" minSize="320px">
                <PanelBoundary name="Chart">
                  <PriceChart />
                </PanelBoundary>
              </Panel>
              <Handle dir="h" />
              <Panel id="p-right" defaultSize="300px" minSize="230px" maxSize="460px" groupResizeBehavior="preserve-pixel-size">
                <Group orientation="vertical" id="g-right" defaultLayout={right.defaultLayout} onLayoutChanged={right.onLayoutChanged}>
                  <Panel id="p-book" defaultSize="60%" minSize="160px">
                    <PanelBoundary name="Order book">
                      <DepthBook />
                    </PanelBoundary>
                  </Panel>
                  <Handle dir="v" />
                  <Panel id="p-tape" minSize="100px">
                    <PanelBoundary name="Trades">
                      <TradeTape />
                    </PanelBoundary>
                  </Panel>
                </Group>
              </Panel>
            </Group>
          </Panel>
          <Handle dir="v" />
          <Panel id="p-bottom" minSize="140px">
            <Group orientation="horizontal" id="g-bottom" defaultLayout={bottom.defaultLayout} onLayoutChanged={bottom.onLayoutChanged}>
              <Panel id="p-blotter" defaultSize="67%" minSize="360px">
                <PanelBoundary name="Blotter">
                  <Blotter />
                </PanelBoundary>
              </Panel>
              <Handle dir="h" />
              <Panel id="p-positions" minSize="280px">
                <PanelBoundary name="Positions and order detail">
                  <SidePanel />
                </PanelBoundary>
              </Panel>
            </Group>
          </Panel>
        </Group>
      </Panel>
    </Group>
  );
}

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
      <span>{phase === 'open' ? (loading ? 'Loading snapshots…' : 'Live') : (detail ?? 'Offline')}</span>
      {session && (
        <span className="muted">
          {session.venue} · {session.instruments.length} instruments
          {maxOrder ? ` · max order ${maxOrder.hard.toLocaleString('en-US')} ${session.currency}` : ''}
          {maxOrder && maxOrder.soft !== null ? ` (confirm above ${maxOrder.soft.toLocaleString('en-US')})` : ''}
        </span>
      )}
      <span className="muted">{openOrders} open order{openOrders === 1 ? '' : 's'}</span>
      <span className="spacer" />
      <span className="muted">
        <kbd>F2</kbd> ticket · <kbd>Alt+O</kbd> orders · <kbd>Alt+R</kbd> risk · <kbd>Ctrl+Shift+K</kbd> kill · <kbd>?</kbd> shortcuts
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
      <AuthBanner />
      <main className="main">
        <Workspace />
      </main>
      <StatusLine />
      <Toasts />
      <HelpOverlay />
      <ResumeDialog />
    </div>
  );
}

import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { Group, Panel, Separator, useDefaultLayout, usePanelRef } from 'react-resizable-panels';
import { PanelBoundary } from '../../shared/Panel.tsx';
import { layoutId, layoutStorage } from '../../state/index.ts';
import { Blotter } from './Blotter.tsx';
import { DepthBook } from './DepthBook.tsx';
import { SidePanel } from './OrderDetail.tsx';
import { OrderTicket } from './OrderTicket.tsx';
import { BlotterKeepContext, PositionsWidthContext } from './panel-fit.ts';
import { PriceChart } from './PriceChart.tsx';
import { TradeTape } from './TradeTape.tsx';
import { Watchlist } from './Watchlist.tsx';

function Handle({ dir }: { dir: 'h' | 'v' }): ReactNode {
  return <Separator className={`sep sep-${dir}`} />;
}

/** A panel group of this screen whose sizes are saved per operator (only after the operator drags). */
function useLayout(group: string): ReturnType<typeof useDefaultLayout> {
  return useDefaultLayout({ id: layoutId('trading', group), storage: layoutStorage, onlySaveAfterUserInteractions: true });
}

/**
 * The blotter keeps at least this much beside Positions before its grid has measured what its
 * priority-1 columns need (it then tells, and keeps that: see BlotterKeepContext).
 */
const BLOTTER_KEEP_PX = 470;
/** Positions never narrower than this, whatever its content says. */
const POSITIONS_MIN_PX = 300;

/** The window's inner width, re-read on resize (panels sized in pixels otherwise keep them). */
function useWindowWidth(): number {
  const [w, setW] = useState(() => window.innerWidth);
  useEffect(() => {
    const onResize = (): void => setW(window.innerWidth);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return w;
}

/**
 * The Positions panel's width follows what its grid needs (all six columns in full, measured), until
 * the operator drags the split: then (and after a reload, from the saved layout) their size rules.
 * Re-applied when the window's width changes, as the panel otherwise keeps its pixels.
 */
function usePositionsFit(saved: boolean): { ref: ReturnType<typeof usePanelRef>; tell: (px: number) => void; tellKeep: (px: number) => void; userResized: () => void } {
  const ref = usePanelRef();
  const [want, setWant] = useState<number | null>(null);
  const [keep, setKeep] = useState(BLOTTER_KEEP_PX);
  const winW = useWindowWidth();
  const userSized = useRef(saved);
  useEffect(() => {
    const panel = ref.current;
    if (want === null || !panel || userSized.current) return;
    // Its box: the grid plus the panel's 1 px borders.
    const size = panel.getSize();
    const group = size.asPercentage > 0 ? (size.inPixels * 100) / size.asPercentage : 0;
    // Positions' columns are all priority 1, but so are the blotter's id, qty, filled, price, status
    // and actions: past what leaves the blotter those (as its grid measured them: algo parents widen
    // the id and price), Positions scrolls rather than the blotter losing Qty and Filled.
    const room = group > 0 ? group - 4 - keep : Infinity;
    const target = Math.max(POSITIONS_MIN_PX, Math.min(Math.ceil(want) + 2, room));
    const cur = size.inPixels;
    if (Math.abs(cur - target) >= 1) panel.resize(`${target}px`);
  }, [want, keep, winW, ref]);
  const tell = useCallback((px: number) => setWant((cur) => (cur === px ? cur : px)), []);
  const tellKeep = useCallback((px: number) => setKeep(Math.max(BLOTTER_KEEP_PX, Math.ceil(px) + 2)), []);
  const userResized = useCallback(() => {
    userSized.current = true;
  }, []);
  return { ref, tell, tellKeep, userResized };
}

/** The watchlist and ticket column: narrower up to 1700 px windows, where the bottom row needs the room. */
const leftWidth = (win: number): number => (win <= 1700 ? 312 : 340);

/** Sizes the left column for the window's width until the operator drags it (then their size rules). */
function useLeftFit(saved: boolean): { ref: ReturnType<typeof usePanelRef>; userResized: () => void } {
  const ref = usePanelRef();
  const winW = useWindowWidth();
  const userSized = useRef(saved);
  useEffect(() => {
    const panel = ref.current;
    if (!panel || userSized.current) return;
    const want = leftWidth(winW);
    if (Math.abs(panel.getSize().inPixels - want) >= 1) panel.resize(`${want}px`);
  }, [winW, ref]);
  const userResized = useCallback(() => {
    userSized.current = true;
  }, []);
  return { ref, userResized };
}

/**
 * The Trading screen: watchlist and ticket, chart with book and tape, blotter beside positions /
 * order detail / compact risk. `risk` renders the risk feature's compact panel (the shell hands it in:
 * features do not import each other).
 */
export function TradingScreen({ risk }: { risk: (visible: boolean) => ReactNode }): ReactNode {
  const main = useLayout('main');
  const left = useLayout('left');
  const center = useLayout('center');
  const top = useLayout('top');
  const right = useLayout('right');
  const bottom = useLayout('bottom');
  const fit = usePositionsFit(bottom.defaultLayout !== undefined);
  const leftFit = useLeftFit(main.defaultLayout !== undefined);
  return (
    <PositionsWidthContext.Provider value={fit.tell}>
    <BlotterKeepContext.Provider value={fit.tellKeep}>
    <Group
      orientation="horizontal"
      id="g-main"
      className="workspace"
      defaultLayout={main.defaultLayout}
      onLayoutChanged={(layout, meta) => {
        if (meta.isUserInteraction) leftFit.userResized();
        main.onLayoutChanged(layout, meta);
      }}
    >
      <Panel id="p-left" panelRef={leftFit.ref} defaultSize={`${leftWidth(window.innerWidth)}px`} minSize="280px" maxSize="460px" groupResizeBehavior="preserve-pixel-size">
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
            <Group
              orientation="horizontal"
              id="g-bottom"
              defaultLayout={bottom.defaultLayout}
              onLayoutChanged={(layout, meta) => {
                if (meta.isUserInteraction) fit.userResized();
                bottom.onLayoutChanged(layout, meta);
              }}
            >
              <Panel id="p-blotter" minSize="360px">
                <PanelBoundary name="Blotter">
                  <Blotter />
                </PanelBoundary>
              </Panel>
              <Handle dir="h" />
              {/* As wide as its six columns need (usePositionsFit); the blotter takes the rest. */}
              <Panel id="p-positions" panelRef={fit.ref} defaultSize="440px" minSize={`${POSITIONS_MIN_PX}px`} groupResizeBehavior="preserve-pixel-size">
                <PanelBoundary name="Positions and order detail">
                  <SidePanel risk={risk} />
                </PanelBoundary>
              </Panel>
            </Group>
          </Panel>
        </Group>
      </Panel>
    </Group>
    </BlotterKeepContext.Provider>
    </PositionsWidthContext.Provider>
  );
}

import type { ReactNode } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { PanelBoundary } from '../../shared/Panel.tsx';
import { layoutId, layoutStorage } from '../../state/index.ts';
import { Blotter } from './Blotter.tsx';
import { DepthBook } from './DepthBook.tsx';
import { SidePanel } from './OrderDetail.tsx';
import { OrderTicket } from './OrderTicket.tsx';
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
              <Panel id="p-blotter" minSize="360px">
                <PanelBoundary name="Blotter">
                  <Blotter />
                </PanelBoundary>
              </Panel>
              <Handle dir="h" />
              {/* Wide enough for the six position columns in full at 1280 px; the blotter takes the rest. */}
              <Panel id="p-positions" defaultSize="380px" minSize="300px" groupResizeBehavior="preserve-pixel-size">
                <PanelBoundary name="Positions and order detail">
                  <SidePanel risk={risk} />
                </PanelBoundary>
              </Panel>
            </Group>
          </Panel>
        </Group>
      </Panel>
    </Group>
  );
}

import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { registerFocus } from '../../shared/focus.ts';
import { PanelBoundary } from '../../shared/Panel.tsx';
import { layoutId, layoutStorage, useStore, watchRisk } from '../../state/index.ts';
import { BreakersSection, TiersSection } from './BreakersSection.tsx';
import { FlagsSection } from './FlagsSection.tsx';
import { LimitsSection } from './LimitsSection.tsx';
import { CorrelationSection, DrawdownChart, ExposureSection, MetricsSection, VarSection } from './MetricsSections.tsx';
import { StateSection } from './StateSection.tsx';
import { StressSection } from './StressSection.tsx';

/**
 * The Risk panel: L1 trading state and limits, breakers and tiers, and the PMS view (flags, VaR/ES,
 * drawdown, exposure, correlation, stress). Pushed events keep state, flags, limits and metrics
 * current; while a risk view is shown, limit usage and the breaker/loss view (which the contract does
 * not push) follow the account and position events (see state/risk.ts `watchRisk`).
 *
 * Two forms: compact (a tab of the trading screen's side panel, one scrolling column) and the Risk
 * screen (L1 controls beside the PMS view, in resizable columns).
 */

/** Reads what the view shows once when it comes on (and on every new connection); pushed events keep it current. */
function useRiskWatch(on: boolean): void {
  const epoch = useStore((s) => s.epoch);
  const connected = useStore((s) => s.conn.phase === 'open');
  useEffect(() => (on && connected ? watchRisk() : undefined), [on, connected, epoch]);
}

function Region({ children, className }: { children: ReactNode; className: string }): ReactNode {
  return (
    <div className={className} ref={(el) => registerFocus('risk', el)} tabIndex={-1} role="region" aria-label="Risk">
      {children}
    </div>
  );
}

function ControlSections(): ReactNode {
  return (
    <>
      <StateSection />
      <FlagsSection />
      <LimitsSection />
      <BreakersSection />
      <TiersSection />
    </>
  );
}

function PmsSections(): ReactNode {
  const m = useStore((s) => s.riskMetrics);
  return (
    <>
      <MetricsSection m={m} />
      <VarSection m={m} />
      <DrawdownChart m={m} />
      <ExposureSection m={m} />
      <CorrelationSection m={m} />
      <StressSection />
    </>
  );
}

/** Compact: the side-panel tab of the trading screen. */
export function RiskPanel({ visible }: { visible: boolean }): ReactNode {
  const m = useStore((s) => s.riskMetrics);
  useRiskWatch(visible);
  return (
    <Region className="rk">
      <div className="rk-grid">
        <StateSection />
        <FlagsSection />
        <MetricsSection m={m} />
        <LimitsSection />
        <VarSection m={m} />
        <DrawdownChart m={m} />
        <ExposureSection m={m} />
        <CorrelationSection m={m} />
        <BreakersSection />
        <TiersSection />
        <StressSection />
      </div>
    </Region>
  );
}

/** The Risk screen: controls (state, flags, limits, breakers, tiers) beside the PMS view. */
export function RiskScreen(): ReactNode {
  useRiskWatch(true);
  const cols = useDefaultLayout({ id: layoutId('risk', 'columns'), storage: layoutStorage, onlySaveAfterUserInteractions: true });
  return (
    <Region className="rk rk-screen">
      <Group orientation="horizontal" id="g-risk" className="workspace" defaultLayout={cols.defaultLayout} onLayoutChanged={cols.onLayoutChanged}>
        <Panel id="p-risk-controls" defaultSize="50%" minSize="360px">
          <PanelBoundary name="Risk controls">
            <div className="rk-col scroll" role="group" aria-label="Trading state, flags and limits">
              <ControlSections />
            </div>
          </PanelBoundary>
        </Panel>
        <Separator className="sep sep-h" />
        <Panel id="p-risk-pms" minSize="360px">
          <PanelBoundary name="Portfolio risk">
            <div className="rk-col scroll" role="group" aria-label="Portfolio metrics, VaR, exposure and stress">
              <PmsSections />
            </div>
          </PanelBoundary>
        </Panel>
      </Group>
    </Region>
  );
}

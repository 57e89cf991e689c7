import type { ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { ApprovalsScreen } from '../features/approvals/ApprovalsScreen.tsx';
import { PortfolioScreen } from '../features/portfolio/PortfolioScreen.tsx';
import { BacktestScreen } from '../features/backtest/BacktestScreen.tsx';
import { ExecutionScreen } from '../features/execution/ExecutionScreen.tsx';
import { RiskPanel, RiskScreen } from '../features/risk/RiskPanel.tsx';
import { ReconciliationScreen } from '../features/reconciliation/ReconciliationScreen.tsx';
import { SettingsScreen } from '../features/settings/SettingsScreen.tsx';
import { SignalsScreen } from '../features/signals/SignalsScreen.tsx';
import { TradingScreen } from '../features/trading/TradingScreen.tsx';
import { focusTarget } from '../shared/focus.ts';
import { resetLayout, setScreen, toast, useStore } from '../state/index.ts';

/**
 * The screen router: every screen the operator can switch to, in keyboard order (Ctrl+1, Ctrl+2, …).
 * A new screen (signals, portfolio, approvals, backtest, replay) is one entry here.
 */
export interface ScreenDef {
  id: string;
  label: string;
  /** What the screen is for (the help list and the button's tooltip). */
  description: string;
  render(): ReactNode;
}

export const SCREENS: readonly ScreenDef[] = [
  {
    id: 'trading',
    label: 'Trading',
    description: 'Trading screen: watchlist, ticket, chart, book, blotter, positions',
    render: () => <TradingScreen risk={(visible) => <RiskPanel visible={visible} />} />,
  },
  {
    id: 'risk',
    label: 'Risk',
    description: 'Risk screen: trading state, limits, breakers, flags, VaR, exposure, stress',
    render: () => <RiskScreen />,
  },
  {
    id: 'signals',
    label: 'Signals',
    description: 'Signals screen: alphas on/off and their parameters, last signals, contributions',
    render: () => <SignalsScreen />,
  },
  {
    id: 'portfolio',
    label: 'Portfolio',
    description: 'Portfolio screen: current vs target weights, rebalance, efficient frontier, risk contributions',
    render: () => <PortfolioScreen />,
  },
  {
    id: 'approvals',
    label: 'Approvals',
    description: 'Approvals screen: the queue of proposed orders (A approve, R reject, M modify)',
    render: () => <ApprovalsScreen />,
  },
  {
    id: 'reconciliation',
    label: 'Reconciliation',
    description: 'Reconciliation: differences between the journal and the exchange, what was done, what needs you',
    render: () => <ReconciliationScreen />,
  },
  {
    id: 'settings',
    label: 'Settings',
    description: 'Settings: exchange, live or paper, symbols, rate limit, API URL, API keys',
    render: () => <SettingsScreen />,
  },
  {
    id: 'backtest',
    label: 'Backtest',
    description: 'Backtest screen: run a strategy on imported data, equity and drawdown, metrics, monthly returns, kept runs',
    render: () => <BacktestScreen />,
  },
  {
    id: 'execution',
    label: 'Execution',
    description: 'Execution screen: implementation shortfall per algorithm and instrument over time, against the pre-trade estimate and the deterioration band',
    render: () => <ExecutionScreen />,
  },
];

export const SCREEN_IDS: readonly string[] = SCREENS.map((s) => s.id);

export function screenShortcut(i: number): string {
  return `Ctrl+${i + 1}`;
}

/** Where the keyboard goes when a screen comes up (the approval queue's grid: A / R / M act at once). */
const FOCUS_ON_OPEN: Record<string, Parameters<typeof focusTarget>[0]> = { signals: 'signals', portfolio: 'portfolio', approvals: 'proposals' };

/** Ctrl+<n>: the n-th screen, if there is one. */
export function switchToScreen(n: number): boolean {
  const s = SCREENS[n - 1];
  if (!s) return false;
  showScreen(s.id);
  return true;
}

/** Brings a screen up, rendered now (flushSync) so its focus target exists, and puts the keyboard in it. */
export function showScreen(id: string): void {
  if (useStore.getState().screen !== id) flushSync(() => setScreen(id));
  const target = FOCUS_ON_OPEN[id];
  if (target) focusTarget(target);
}

export function openApprovals(): void {
  showScreen('approvals');
}

export function resetScreenLayout(id: string): void {
  resetLayout(id);
  const s = SCREENS.find((x) => x.id === id);
  toast('info', `${s?.label ?? id} screen layout reset to its defaults`);
}

/** The screen shown; remounted (`key`) when its layout is reset so the default sizes apply. */
export function ScreenView(): ReactNode {
  const id = useStore((s) => s.screen);
  const rev = useStore((s) => s.layoutRev[s.screen] ?? 0);
  const screen = SCREENS.find((s) => s.id === id) ?? SCREENS[0];
  if (!screen) return null;
  return (
    <div className="screen" key={`${screen.id}:${rev}`} data-screen={screen.id}>
      {screen.render()}
    </div>
  );
}

/** The screen switcher in the top bar: one button per screen, the current one marked, and a layout reset. */
export function ScreenNav(): ReactNode {
  const current = useStore((s) => s.screen);
  const label = SCREENS.find((s) => s.id === current)?.label ?? current;
  return (
    <nav className="screen-nav" aria-label="Screens">
      {SCREENS.map((s, i) => (
        <button
          key={s.id}
          type="button"
          className={`screen-btn ${s.id === current ? 'active' : ''}`}
          aria-current={s.id === current ? 'page' : undefined}
          aria-keyshortcuts={`Control+${i + 1}`}
          title={`${s.description} (${screenShortcut(i)})`}
          onClick={() => setScreen(s.id)}
        >
          {s.label}
        </button>
      ))}
      <button
        type="button"
        className="icon-btn screen-reset"
        aria-label={`Reset layout of the ${label} screen`}
        title={`Reset the ${label} screen's panel sizes to the defaults`}
        onClick={() => resetScreenLayout(current)}
      >
        ⟲
      </button>
    </nav>
  );
}

import { flushSync } from 'react-dom';
import { URGENCIES } from '../../../src/contract/index.ts';
import { focusTarget } from '../shared/focus.ts';
import { replayKeyAction } from '../features/replay/replay-keys.ts';
import { focusTicket, pressKillSwitch, replayPause, replayPlay, setHelp, setOrderType, setScreen, updateTicket, useStore } from '../state/index.ts';
import { SCREENS, screenShortcut, switchToScreen } from './screens.tsx';

/**
 * The keyboard map: every global shortcut, and the list the help overlay shows (SHORTCUTS). A
 * shortcut that only makes sense on one screen first brings that screen up.
 */

export const SHORTCUTS: [string, string][] = [
  ...SCREENS.map((s, i): [string, string] => [screenShortcut(i), `Show the ${s.description}`]),
  ['F2  /  Alt+T', 'Focus the order ticket (quantity)'],
  ['Enter', 'Submit the ticket'],
  ['Esc', 'Clear the ticket / close this help'],
  ['↑ / ↓ in Quantity, Limit price', 'Step by lot / tick (Shift: ×10)'],
  ['Alt+B  /  Alt+S', 'Ticket side Buy / Sell'],
  ['Alt+L  /  Alt+M', 'Ticket order type Limit / Market'],
  ['Alt+U', 'Ticket urgency: Immediate → High → Medium → Low'],
  ['Alt+O', 'Focus the Orders grid'],
  ['Alt+F', 'Focus the Fills grid'],
  ['Alt+P', 'Focus the Positions grid'],
  ['Alt+D', 'Show the order detail of the selected order'],
  ['Alt+R', 'Show and focus the Risk panel'],
  ['Ctrl+Shift+K', 'Kill switch: halt trading, cancel every order and algo'],
  ['Space  /  Ctrl+Shift+P', 'Replay: play / pause (while a replay is loaded)'],
  ['Alt+W', 'Focus the watchlist (↑ / ↓ change symbol)'],
  ['↑ ↓ Home End PgUp PgDn', 'Move through grid rows'],
  ['Delete', 'Cancel the selected open order'],
  ['→ / ← / Enter on a parent order', 'Show / hide its child orders'],
  ['P on a parent order', 'Pause / resume the algorithm'],
  ['↑ / ↓ in Proposals', 'Move through the approval queue'],
  ['A  /  R  /  M in Proposals', 'Approve / reject (asks why) / modify the selected proposal'],
  ['?', 'Show this help'],
];

function isEditable(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

/** Where Space already means something: a field, a button, a checkbox, a grid or a focusable row. */
function isInteractive(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return isEditable(el) || el.closest('button, a[href], summary, [role="button"], [role="checkbox"], [role="switch"], [role="slider"], [role="grid"], [role="listbox"], [role="tab"], [tabindex]') !== null;
}

function cycleUrgency(): void {
  const cur = useStore.getState().ticket.urgency;
  const next = URGENCIES[(URGENCIES.indexOf(cur) + 1) % URGENCIES.length] ?? 'immediate';
  updateTicket({ urgency: next });
}

/** The trading screen's parts live only on it: bring it up first, rendered now (flushSync) so its focus targets exist. */
function onTrading(fn: () => void): () => void {
  return () => {
    if (useStore.getState().screen !== 'trading') flushSync(() => setScreen('trading'));
    fn();
  };
}

export function onGlobalKey(e: KeyboardEvent): void {
  if (e.defaultPrevented) return;
  // The kill switch works from anywhere, inputs and dialogs included: it only ever makes things safer.
  if (e.ctrlKey && e.shiftKey && !e.altKey && !e.metaKey && e.code === 'KeyK') {
    e.preventDefault();
    void pressKillSwitch('Kill switch (Ctrl+Shift+K)');
    return;
  }
  const replay = replayKeyAction(e, useStore.getState().replay, isInteractive(e.target));
  if (replay !== null) {
    e.preventDefault();
    void (replay === 'play' ? replayPlay() : replayPause());
    return;
  }
  // Ctrl+1…9: screens (by physical key, so any keyboard layout works).
  const digit = /^Digit([1-9])$/.exec(e.code);
  if (digit && e.ctrlKey && !e.shiftKey && !e.altKey && !e.metaKey) {
    if (switchToScreen(Number(digit[1]))) e.preventDefault();
    return;
  }
  if (e.key === 'F2' || (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyT')) {
    e.preventDefault();
    if (useStore.getState().helpOpen) setHelp(false);
    onTrading(focusTicket)();
    return;
  }
  if (e.altKey && !e.ctrlKey && !e.metaKey) {
    const map: Record<string, () => void> = {
      KeyO: onTrading(() => focusTarget('orders')),
      KeyF: onTrading(() => focusTarget('fills')),
      KeyP: onTrading(() => focusTarget('positions')),
      KeyW: onTrading(() => focusTarget('watchlist')),
      KeyB: () => updateTicket({ side: 'buy' }),
      KeyS: () => updateTicket({ side: 'sell' }),
      KeyL: () => setOrderType('limit'),
      KeyM: () => setOrderType('market'),
      KeyU: () => cycleUrgency(),
      KeyD: onTrading(() => focusTarget('detail')),
      // Either screen has a risk view: the side tab here, the whole screen there.
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

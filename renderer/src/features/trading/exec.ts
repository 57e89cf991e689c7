import type { AlgoKind, ExecutionStyle, OrderDto, ParamsIn, RoutingDto, Urgency } from '../../../../src/contract/index.ts';
import { isNum, parseDecimal } from '../../shared/format.ts';
import type { TicketState } from '../../state/index.ts';
import { engineNow } from '../../shared/time.ts';

/** Execution styles and urgencies as the ticket and the blotter name them. */

export const STYLE_LABEL: Record<ExecutionStyle, string> = {
  market: 'Market',
  limit: 'Limit',
  twap: 'TWAP',
  vwap: 'VWAP',
  pov: 'POV',
  passive: 'Passive',
  iceberg: 'Iceberg',
  adaptive: 'Adaptive',
};

export const STYLE_HINT: Record<ExecutionStyle, string> = {
  market: 'direct order, walks the book now',
  limit: 'direct order, rests at the limit',
  twap: 'equal slices over time',
  vwap: 'slices follow the volume profile',
  pov: 'a share of market volume',
  passive: 'rests at the touch, reprices',
  iceberg: 'shows only part of the size',
  adaptive: 'schedule that speeds up or waits',
};

export const URGENCY_LABEL: Record<Urgency, string> = {
  immediate: 'Immediate',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export function isAlgo(style: ExecutionStyle): style is AlgoKind {
  return style !== 'market' && style !== 'limit';
}

/**
 * What the engine's routing table (exec.routing) picks for an urgency; a market order becomes a
 * limit one when a price is typed. Null until the table has arrived: there is one table, the
 * engine's, and no copy of it here.
 */
export function routedStyle(t: Pick<TicketState, 'urgency' | 'type'>, routing: RoutingDto | null): ExecutionStyle | null {
  const rule = routing?.byUrgency[t.urgency];
  if (!rule) return null;
  return rule.algo === 'market' && t.type === 'limit' ? 'limit' : rule.algo;
}

/** The style the ticket asks for: the trader's override, or routing's pick (null while routing is unknown). */
export function ticketStyle(t: TicketState, routing: RoutingDto | null): ExecutionStyle | null {
  return t.algo === 'auto' ? routedStyle(t, routing) : t.algo;
}

/**
 * The style the ticket's fields follow: while routing is unknown an Auto ticket is edited as the
 * direct order its type says, and sent with its urgency only, so the engine still routes it.
 */
export function formStyle(t: TicketState, routing: RoutingDto | null): ExecutionStyle {
  return ticketStyle(t, routing) ?? (t.type === 'limit' ? 'limit' : 'market');
}

/** Routing's horizon for an urgency, seconds; null while the table is unknown. */
export function horizonOf(urgency: Urgency, routing: RoutingDto | null): number | null {
  return routing?.byUrgency[urgency]?.horizonSec ?? null;
}

/** "45 s", "2 min", "1 h 30 min". */
export function fmtDuration(sec: unknown): string {
  if (!isNum(sec) || sec < 0) return '—';
  if (sec < 90) return `${Math.round(sec)} s`;
  if (sec < 5400) {
    const m = Math.floor(sec / 60);
    const s = Math.round(sec - m * 60);
    return s ? `${m} min ${s} s` : `${m} min`;
  }
  const h = Math.floor(sec / 3600);
  const m = Math.round((sec - h * 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

export type ParamKey = 'durationSec' | 'slices' | 'jitterPct' | 'participationPct' | 'displayQty' | 'minChildQty' | 'maxChildQty';

/** The parameters each algorithm reads (the others are not shown for it). */
export const PARAMS_OF: Record<AlgoKind, ParamKey[]> = {
  twap: ['durationSec', 'slices', 'jitterPct'],
  vwap: ['durationSec', 'slices', 'jitterPct'],
  adaptive: ['durationSec', 'slices', 'jitterPct'],
  pov: ['durationSec', 'participationPct', 'minChildQty', 'maxChildQty'],
  passive: ['durationSec', 'maxChildQty'],
  iceberg: ['durationSec', 'displayQty'],
};

export const PARAM_LABEL: Record<ParamKey, string> = {
  durationSec: 'Duration',
  slices: 'Slices',
  jitterPct: 'Jitter',
  participationPct: 'Participation',
  displayQty: 'Display quantity',
  minChildQty: 'Min child',
  maxChildQty: 'Max child',
};

/** Seconds from "90", "90s", "2m", "1.5h" (null when it is not a duration). */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(s|sec|m|min|h)?\s*$/i.exec(text);
  if (!m) return null;
  const v = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const sec = unit.startsWith('h') ? v * 3600 : unit.startsWith('m') ? v * 60 : v;
  return Number.isFinite(sec) ? sec : null;
}

export interface AlgoCheck {
  errors: string[];
  /** algoParams to send (only what the trader typed and the algorithm reads). */
  params: NonNullable<ParamsIn<'orders.place'>['algoParams']>;
}

/** Validates the typed parameters of an algorithm. Empty fields are left to routing. */
export function checkAlgoParams(t: TicketState, style: ExecutionStyle): AlgoCheck {
  const errors: string[] = [];
  const params: AlgoCheck['params'] = {};
  if (!isAlgo(style)) return { errors, params };
  for (const key of PARAMS_OF[style]) {
    const raw = t[key].trim();
    if (raw === '') continue;
    switch (key) {
      case 'durationSec': {
        const v = parseDuration(raw);
        if (v === null || v <= 0 || v > 7 * 86_400) errors.push('Duration must be a positive time up to 7 days (e.g. 20, 90s, 2m, 1h).');
        else params.durationSec = v;
        break;
      }
      case 'slices': {
        const v = Number(raw);
        if (!Number.isInteger(v) || v < 1 || v > 500) errors.push('Slices must be a whole number from 1 to 500.');
        else params.slices = v;
        break;
      }
      case 'jitterPct': {
        const v = parseDecimal(raw);
        if (v === null || v < 0 || v > 50) errors.push('Jitter must be between 0 and 50 %.');
        else params.jitterPct = Number((v / 100).toFixed(6));
        break;
      }
      case 'participationPct': {
        const v = parseDecimal(raw);
        if (v === null || v <= 0 || v > 50) errors.push('Participation must be above 0 and at most 50 %.');
        else params.participation = Number((v / 100).toFixed(6));
        break;
      }
      case 'displayQty':
      case 'minChildQty':
      case 'maxChildQty': {
        const v = parseDecimal(raw);
        if (v === null || v <= 0) errors.push(`${PARAM_LABEL[key]} must be a positive quantity.`);
        else if (key === 'displayQty') params.displayQty = v;
        else if (key === 'minChildQty') params.minChildQty = v;
        else params.maxChildQty = v;
        break;
      }
    }
  }
  // The engine refuses an iceberg without it (BAD_REQUEST ... algoParams.displayQty): say so in words first.
  if (style === 'iceberg' && t.displayQty.trim() === '') errors.push('Display quantity is required: an iceberg shows that much of the order at a time.');
  if (params.minChildQty !== undefined && params.maxChildQty !== undefined && Number(params.minChildQty) > Number(params.maxChildQty)) {
    errors.push('Min child must not exceed max child.');
  }
  return { errors, params };
}

export interface PlaceInput {
  symbol: string;
  qty: number;
  price: number | null;
  /** Mid price the trader saw, already rounded. */
  decisionPrice?: number | null;
  decisionTs?: number;
}

/** orders.place / orders.preview params for the ticket as it stands. */
export function placeParams(t: TicketState, style: ExecutionStyle, algo: AlgoCheck, input: PlaceInput): ParamsIn<'orders.place'> {
  const base: ParamsIn<'orders.place'> = { symbol: input.symbol, side: t.side, qty: input.qty, source: 'manual', urgency: t.urgency };
  if (t.algo !== 'auto') base.algo = t.algo;
  if (style === 'market') {
    base.type = 'market';
    base.tif = t.tif;
  } else if (style === 'limit') {
    base.type = 'limit';
    base.tif = t.tif;
    if (input.price !== null) base.price = input.price;
  } else {
    if (input.price !== null) base.price = input.price;
    if (Object.keys(algo.params).length > 0) base.algoParams = algo.params;
  }
  if (isNum(input.decisionPrice) && input.decisionPrice > 0) {
    base.decisionPrice = input.decisionPrice;
    base.decisionTs = input.decisionTs ?? engineNow();
  }
  return base;
}

/** Mid price rounded so the engine takes it (two digits beyond the tick: no float noise). */
export function decisionMid(bid: number | null | undefined, ask: number | null | undefined, priceDecimals: number | undefined): number | null {
  if (!isNum(bid) || !isNum(ask) || bid <= 0 || ask <= 0) return null;
  const d = Math.min(12, Math.max(0, (priceDecimals ?? 2) + 2));
  return Number(((bid + ask) / 2).toFixed(d));
}

/** A working parent order (worked by an algorithm and not yet done). */
export function isWorkingParent(o: OrderDto): boolean {
  return o.execution !== null && o.execution !== undefined && !['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED', 'DENIED'].includes(o.status);
}

/**
 * Quantity the schedule wants done by `now` (engine time). The engine reports it with every order
 * update, with the parent's own schedule steps; between updates the marker steps through those
 * (the step in force at `now`, 0 before the first), so it moves when the children are sent.
 */
export function scheduledNow(o: OrderDto, now: number): number | null {
  const ex = o.execution;
  if (!ex || ex.scheduledQty === null || ex.scheduledQty === undefined) return null;
  const steps = ex.schedule;
  if (!isWorkingParent(o) || !steps || steps.length === 0) return ex.scheduledQty;
  let due = 0;
  for (const s of steps) {
    if (s.at > now) break;
    due = s.cumulativeQty;
  }
  return due;
}

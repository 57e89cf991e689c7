import type { ExecQualityConfigDto, TcaDto } from '../contract/dto.ts';
import type { EngineAlertDto } from '../contract/risk-dto.ts';
import type { Order } from '../core/order.ts';
import { fromUnits } from '../core/precision.ts';
import { DEFAULT_EXEC_QUALITY, QualityTracker, qualityAlerts, qualityPoint } from '../execution/exec-quality.ts';
import type { EngineCore } from './context.ts';
import { expectedCost } from './l2-assess.ts';
import type { Log } from './parts.ts';

/**
 * Execution quality over time, wired into the kernel: the tracker starts from the journal's finished
 * parents (without alerting for the past), every final TCA joins the trend (leaving or re-entering
 * the band is one engine alert), and a parent's pre-trade estimate comes from the same square-root
 * model the L2 assessment and the ticket's expected cost use.
 */
export interface ExecQualityWiring {
  tracker: QualityTracker;
  /** Publishes the TCA, then the band check, and its alert when a group crosses the band. */
  onTca: (t: TcaDto) => void;
  /** The estimate recorded at a parent's start (bps, 2 decimals), or null when nothing prices it. */
  estimateBps: (p: Order) => number | null;
}

export interface ExecQualityDeps {
  config: Partial<ExecQualityConfigDto> | undefined;
  journal: { loadAllTca(): string[] };
  clock: { now(): number };
  cost: Pick<EngineCore, 'instruments' | 'market' | 'hub'>;
  publishTca: (t: TcaDto) => void;
  alert: (a: EngineAlertDto) => void;
  log: Log;
}

export function wireExecQuality(d: ExecQualityDeps): ExecQualityWiring {
  const tracker = new QualityTracker({ ...DEFAULT_EXEC_QUALITY, ...d.config });
  tracker.load(
    d.journal
      .loadAllTca()
      .map((j) => JSON.parse(j) as TcaDto)
      .filter((t) => t.final)
      .map(qualityPoint),
  );
  return {
    tracker,
    onTca: (t) => {
      d.publishTca(t);
      for (const a of qualityAlerts(tracker, t, d.clock.now())) {
        d.log(a.code === 'EXEC_QUALITY_DETERIORATED' ? 'warn' : 'info', a.message);
        d.alert(a);
      }
    },
    estimateBps: (p) => {
      if (p.algo === null) return null;
      const params = JSON.parse(p.algoParams ?? '{}') as { startAt?: number; endAt?: number };
      const horizonSec = params.startAt !== undefined && params.endAt !== undefined ? Math.max(1, (params.endAt - params.startAt) / 1000) : 1;
      const i = d.cost.instruments.get(p.symbol);
      if (!i) return null;
      const est = expectedCost(d.cost, { symbol: p.symbol, side: p.side, qty: String(fromUnits(p.qtyUnits, i.qtyDecimals)), urgency: p.urgency, algo: undefined }, p.algo, horizonSec);
      return est === null ? null : Math.round(est.bps * 100) / 100;
    },
  };
}

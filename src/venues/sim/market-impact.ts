import type { Side } from '../../contract/dto.ts';
import type { ImpactScale } from './market-source.ts';

/**
 * Temporary market impact of our aggressive orders: the square-root law, decaying.
 *
 * Law: taking Q (base quantity) moves the reference price against us by
 *     I(Q) = k · σ_daily · √(Q / V_daily)          (a fraction of the price; × 1e4 for bps)
 * with σ_daily the daily σ of log returns and V_daily the daily traded volume (same base units as Q).
 * Over any horizon T, σ_T·√(Q/V_T) = σ_s·√(Q/v_s) with σ_s per √second and v_s per second, so we
 * compute it per second (ImpactScale) and the day's length (24 h crypto, 6.5 h equity) drops out.
 * The law is the robust empirical finding for metaorders (Tóth et al. 2011, "Anomalous price impact
 * and the critical nature of liquidity in financial markets"; Bouchaud, Bonart, Donier & Gould 2018,
 * "Trades, Quotes and Prices" ch. 12), with a prefactor k (their Y) of order 1: DEFAULT_IMPACT.k = 1.
 *
 * Accumulation: the state is one signed impact I (log-price offset, + after our buys). A trade of q
 * adds in "equivalent quantity": the current I corresponds to Q_e = sign(I)·v·(I/(kσ))², and after
 * the trade I' = sign(Q_e ± q)·kσ·√(|Q_e ± q|/v). So children sent back to back add up to exactly
 * I(ΣQ) (concave in the total, as measured for metaorders), and a sell after buys first undoes the
 * buys' impact.
 *
 * Decay: between trades I relaxes to zero exponentially, I(t) = I(t₀)·2^(−(t−t₀)/halfLife), default
 * half-life 60 s (transient impact relaxes over minutes in the studies above; configurable). A
 * trader who spaces child orders by a few half-lives pays little of the previous children's impact.
 */
export interface ImpactParams {
  /** Prefactor Y of the square-root law (dimensionless); 0 disables impact. */
  k: number;
  /** Half-life of the exponential decay, ms. */
  halfLifeMs: number;
}

export const DEFAULT_IMPACT: ImpactParams = { k: 1, halfLifeMs: 60_000 };

/** I(Q) = k·σ_s·√(Q/v_s) as a fraction of the price; 0 when the scale is degenerate (no volatility or no volume). */
export function sqrtImpact(qty: number, scale: ImpactScale, k: number): number {
  const kSigma = k * scale.volPerSqrtSecond;
  if (!(kSigma > 0) || !(scale.volumePerSecond > 0) || !(qty > 0)) return 0;
  return kSigma * Math.sqrt(qty / scale.volumePerSecond);
}

export class TemporaryImpact {
  private readonly params: ImpactParams;
  private readonly scale: ImpactScale;
  private value = 0;
  private at = 0;

  constructor(scale: ImpactScale, params: ImpactParams = DEFAULT_IMPACT) {
    this.scale = scale;
    this.params = params;
  }

  /** The signed log-price offset at `now` (+: price pushed up by our buys). */
  current(now: number): number {
    if (this.value === 0) return 0;
    const dt = Math.max(0, now - this.at);
    return this.params.halfLifeMs > 0 ? this.value * Math.pow(2, -dt / this.params.halfLifeMs) : 0;
  }

  /** Multiplier of the reference price: exp(I). */
  factor(now: number): number {
    return Math.exp(this.current(now));
  }

  /** Records that we took `qty` (base quantity) as an aggressor on `side` at `now`. */
  add(now: number, side: Side, qty: number): void {
    const kSigma = this.params.k * this.scale.volPerSqrtSecond;
    const v = this.scale.volumePerSecond;
    if (!(kSigma > 0) || !(v > 0) || !(qty > 0)) return;
    const i = this.current(now);
    const equivalent = Math.sign(i) * v * (i / kSigma) ** 2;
    const q = equivalent + (side === 'buy' ? qty : -qty);
    this.value = Math.sign(q) * kSigma * Math.sqrt(Math.abs(q) / v);
    this.at = now;
  }

  /** Persisted as JSON text: { value, at }. */
  save(now: number): string {
    return JSON.stringify({ value: this.current(now), at: now });
  }

  restore(saved: string): void {
    try {
      const s = JSON.parse(saved) as { value?: unknown; at?: unknown };
      if (typeof s.value === 'number' && Number.isFinite(s.value) && typeof s.at === 'number' && Number.isFinite(s.at)) {
        this.value = s.value;
        this.at = s.at;
      }
    } catch {
      // A damaged value only loses the impact in flight; it decays within minutes anyway.
    }
  }
}

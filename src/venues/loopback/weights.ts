/**
 * Request weights per IP, as Binance counts them: a fixed window (one minute by default) whose
 * used weight is returned in X-MBX-USED-WEIGHT-1M on every answer. Going over the limit gets a 429
 * with Retry-After (seconds to the window's end); a client that keeps sending before its
 * Retry-After has passed is banned with 418 (Binance bans IPs that do not back off).
 */
export interface WeightLimits {
  limit: number;
  windowMs: number;
  /** Ban length after a client ignored a Retry-After, seconds. */
  banSeconds: number;
}

export type WeightVerdict =
  | { ok: true; used: number }
  | { ok: false; status: 429 | 418; retryAfterSec: number; used: number };

interface IpState {
  windowStart: number;
  used: number;
  retryAfterUntil: number;
  bannedUntil: number;
}

export class WeightCounter {
  readonly limits: WeightLimits;
  /** Every admitted request, for tests that check the budget over any window. */
  readonly admitted: { at: number; weight: number; ip: string; path: string }[] = [];
  readonly refused: { at: number; status: number; ip: string; path: string }[] = [];
  private readonly ips = new Map<string, IpState>();

  constructor(limits: WeightLimits) {
    this.limits = limits;
  }

  charge(ip: string, weight: number, path: string, now: number): WeightVerdict {
    const { limit, windowMs, banSeconds } = this.limits;
    const start = now - (now % windowMs);
    let s = this.ips.get(ip);
    if (!s) {
      s = { windowStart: start, used: 0, retryAfterUntil: 0, bannedUntil: 0 };
      this.ips.set(ip, s);
    }
    if (s.windowStart !== start) {
      s.windowStart = start;
      s.used = 0;
    }
    if (now < s.bannedUntil) return this.refuse(ip, path, now, 418, Math.ceil((s.bannedUntil - now) / 1000), s.used);
    if (now < s.retryAfterUntil) {
      s.bannedUntil = now + banSeconds * 1000;
      return this.refuse(ip, path, now, 418, banSeconds, s.used);
    }
    if (s.used + weight > limit) {
      s.retryAfterUntil = start + windowMs;
      return this.refuse(ip, path, now, 429, Math.max(1, Math.ceil((start + windowMs - now) / 1000)), s.used);
    }
    s.used += weight;
    this.admitted.push({ at: now, weight, ip, path });
    if (this.admitted.length > 100_000) this.admitted.splice(0, 50_000);
    return { ok: true, used: s.used };
  }

  used(ip: string, now: number): number {
    const s = this.ips.get(ip);
    if (!s) return 0;
    return s.windowStart === now - (now % this.limits.windowMs) ? s.used : 0;
  }

  /** The largest weight admitted within any window of `windowMs` (sliding), over the whole log. */
  maxInAnyWindow(windowMs = this.limits.windowMs, ip?: string): number {
    const log = ip === undefined ? this.admitted : this.admitted.filter((a) => a.ip === ip);
    let best = 0;
    let sum = 0;
    let j = 0;
    for (let i = 0; i < log.length; i++) {
      sum += log[i]!.weight;
      while (log[i]!.at - log[j]!.at >= windowMs) sum -= log[j++]!.weight;
      if (sum > best) best = sum;
    }
    return best;
  }

  private refuse(ip: string, path: string, now: number, status: 429 | 418, retryAfterSec: number, used: number): WeightVerdict {
    this.refused.push({ at: now, status, ip, path });
    return { ok: false, status, retryAfterSec, used };
  }
}

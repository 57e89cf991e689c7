import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { URGENCIES } from '../contract/dto.ts';
import type { Urgency } from '../contract/dto.ts';
import type { PmsLoopOptions } from '../pms/loop.ts';
import type { RiskControlOptions } from '../kernel/risk-control.ts';
import { DEFAULT_FLAG_THRESHOLDS } from '../pms/flags.ts';
import { DEFAULT_BREAKERS, validateBreakerConfig } from '../risk/circuit-breakers.ts';
import type { BreakerConfig } from '../risk/circuit-breakers.ts';
import { CHECK_NAMES, LIMIT_NAMES } from '../risk/limits.ts';
import type { CheckName, LimitName } from '../risk/limits.ts';
import { DEFAULT_GATE_CONFIG } from '../risk/risk-gate.ts';
import type { RiskGateConfig } from '../risk/risk-gate.ts';
import { DEFAULT_TIERS, validateTierConfig } from '../risk/tiers.ts';
import type { TierConfig, TierDef } from '../risk/tiers.ts';

/**
 * `<data-dir>/risk-config.json`: what the operator configures about L1 and the PMS beyond the limits
 * (which live in SQLite and change at run time): urgency tiers and volatility scaling, the soft-breach
 * policy per order source, breaker thresholds, PMS flag thresholds, escalation and interval. Every
 * field is optional and merged over the defaults; a malformed file stops the engine from starting
 * with the path of each problem, rather than trading on half a configuration.
 */

export const RISK_CONFIG_FILE = 'risk-config.json';

const policy = z.enum(['confirm', 'deny', 'allow']);
const levels = z.strictObject({ info: z.number().optional(), warning: z.number().optional(), critical: z.number().optional() });
const action = z.enum(['alert', 'force_reduce', 'halt']);
const severityActions = z.strictObject({ info: action.optional(), warning: action.optional(), critical: action.optional() });
const checkName = z.enum(CHECK_NAMES);
const limitName = z.enum(LIMIT_NAMES);

const tier = z.strictObject({
  name: z.string().min(1).max(40).optional(),
  deferred: z.array(checkName).optional(),
  factors: z.partialRecord(limitName, z.number().positive().max(10)).optional(),
  description: z.string().max(300).optional(),
});

export const riskConfigSchema = z.strictObject({
  softPolicy: z.strictObject({ manual: policy.optional(), api: policy.optional(), signal: policy.optional() }).optional(),
  tiers: z.partialRecord(z.enum(URGENCIES), tier).optional(),
  volatility: z.strictObject({ highRatio: z.number().min(1).optional(), minFactor: z.number().positive().max(1).optional(), appliesTo: z.array(limitName).optional() }).optional(),
  breakers: z
    .strictObject({
      dailyDrawdown: z.strictObject({ enabled: z.boolean().optional(), haltPct: z.number().positive().max(100).optional() }).optional(),
      instrumentMove: z.strictObject({ enabled: z.boolean().optional(), movePct: z.number().positive().optional(), windowMinutes: z.number().positive().optional(), blockMinutes: z.number().positive().optional() }).optional(),
      venueDisconnect: z.strictObject({ enabled: z.boolean().optional(), maxDisconnectedSec: z.number().positive().optional() }).optional(),
      orderRate: z.strictObject({ enabled: z.boolean().optional(), maxPerMinute: z.number().int().positive().optional() }).optional(),
    })
    .optional(),
  pms: z
    .strictObject({
      intervalMs: z.number().int().min(100).max(3_600_000).optional(),
      escalate: z.boolean().optional(),
      slowOn: z.enum(['info', 'warning', 'critical']).nullable().optional(),
      thresholds: z
        .strictObject({
          dailyLoss: levels.optional(),
          leverage: levels.optional(),
          drawdown: z.strictObject({ sinceInception: levels.optional(), day: levels.optional(), week: levels.optional(), month: levels.optional() }).optional(),
          concentration: levels.optional(),
          correlationChange: levels.optional(),
          volatilityPercentile: levels.optional(),
          varToNav: levels.optional(),
        })
        .optional(),
      escalation: z
        .strictObject({
          pnl_breach: severityActions.optional(),
          exposure_breach: severityActions.optional(),
          drawdown_warning: severityActions.optional(),
          concentration: severityActions.optional(),
          correlation_spike: severityActions.optional(),
          volatility_regime_high: severityActions.optional(),
          var_breach: severityActions.optional(),
        })
        .optional(),
    })
    .optional(),
});
export type RiskConfigFile = z.infer<typeof riskConfigSchema>;

export class RiskConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RiskConfigError';
  }
}

function mergeTiers(f: RiskConfigFile): TierConfig {
  const byUrgency = { ...DEFAULT_TIERS.byUrgency } as Record<Urgency, TierDef>;
  for (const u of URGENCIES) {
    const o = f.tiers?.[u];
    if (!o) continue;
    const base = byUrgency[u];
    byUrgency[u] = {
      name: o.name ?? base.name,
      deferred: (o.deferred as CheckName[] | undefined) ?? base.deferred,
      factors: (o.factors as Partial<Record<LimitName, number>> | undefined) ?? base.factors,
      description: o.description ?? base.description,
    };
  }
  const v = f.volatility;
  return {
    byUrgency,
    volatility: { highRatio: v?.highRatio ?? DEFAULT_TIERS.volatility.highRatio, minFactor: v?.minFactor ?? DEFAULT_TIERS.volatility.minFactor, appliesTo: (v?.appliesTo as LimitName[] | undefined) ?? DEFAULT_TIERS.volatility.appliesTo },
  };
}

function mergeBreakers(f: RiskConfigFile): BreakerConfig {
  const b = f.breakers;
  const d = DEFAULT_BREAKERS;
  return {
    dailyDrawdown: { enabled: b?.dailyDrawdown?.enabled ?? d.dailyDrawdown.enabled, haltPct: b?.dailyDrawdown?.haltPct ?? d.dailyDrawdown.haltPct },
    instrumentMove: {
      enabled: b?.instrumentMove?.enabled ?? d.instrumentMove.enabled,
      movePct: b?.instrumentMove?.movePct ?? d.instrumentMove.movePct,
      windowMs: b?.instrumentMove?.windowMinutes !== undefined ? b.instrumentMove.windowMinutes * 60_000 : d.instrumentMove.windowMs,
      blockMs: b?.instrumentMove?.blockMinutes !== undefined ? b.instrumentMove.blockMinutes * 60_000 : d.instrumentMove.blockMs,
    },
    venueDisconnect: { enabled: b?.venueDisconnect?.enabled ?? d.venueDisconnect.enabled, maxDisconnectedMs: b?.venueDisconnect?.maxDisconnectedSec !== undefined ? b.venueDisconnect.maxDisconnectedSec * 1000 : d.venueDisconnect.maxDisconnectedMs },
    orderRate: { enabled: b?.orderRate?.enabled ?? d.orderRate.enabled, maxPerMinute: b?.orderRate?.maxPerMinute ?? d.orderRate.maxPerMinute },
  };
}

/** Turns a parsed file into engine options; throws RiskConfigError listing every problem. */
export function riskOptionsFrom(f: RiskConfigFile): { risk: RiskControlOptions; pms: PmsLoopOptions } {
  const tiers = mergeTiers(f);
  const gate: RiskGateConfig = { tiers, softPolicy: { ...DEFAULT_GATE_CONFIG.softPolicy, ...f.softPolicy } };
  const breakers = mergeBreakers(f);
  const problems = [...validateTierConfig(tiers), ...validateBreakerConfig(breakers)];
  if (problems.length > 0) throw new RiskConfigError(`invalid risk configuration: ${problems.join('; ')}`);
  const pms: PmsLoopOptions = {};
  if (f.pms?.intervalMs !== undefined) pms.intervalMs = f.pms.intervalMs;
  if (f.pms?.escalate !== undefined) pms.escalate = f.pms.escalate;
  if (f.pms?.slowOn !== undefined) pms.slowOn = f.pms.slowOn;
  const config: NonNullable<PmsLoopOptions['config']> = {};
  // A file naming some thresholds keeps the defaults of the others (a flag is off only when set to {}).
  if (f.pms?.thresholds) config.thresholds = { ...DEFAULT_FLAG_THRESHOLDS, ...f.pms.thresholds, drawdown: { ...DEFAULT_FLAG_THRESHOLDS.drawdown, ...f.pms.thresholds.drawdown } };
  if (f.pms?.escalation) config.escalation = f.pms.escalation;
  if (Object.keys(config).length > 0) pms.config = config;
  return { risk: { gate, breakers }, pms };
}

/** Reads `<dataDir>/risk-config.json` if present (absent: defaults). */
export function loadRiskConfig(dataDir: string): { risk: RiskControlOptions; pms: PmsLoopOptions; path: string | null } {
  const path = join(dataDir, RISK_CONFIG_FILE);
  if (!existsSync(path)) return { risk: {}, pms: {}, path: null };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new RiskConfigError(`${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = riskConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new RiskConfigError(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return { ...riskOptionsFrom(parsed.data), path };
}

import { z } from 'zod';
import type {
  BreakerEventDto,
  EngineAlertDto,
  LimitAuditDto,
  LimitsDto,
  RiskStatusDto,
  StateTransitionDto,
  TradingStateDto,
  WhatIfDto,
} from '../risk-dto.ts';
import { TRADING_MODES } from '../risk-dto.ts';
import { empty, symbol } from './common.ts';
import { placeSchema } from './orders.ts';

/** L1 risk (limits, trading state, kill switch, breakers) and the what-if (L1's verdict with the PMS's view); the PMS itself is ./pms.ts. */
export const riskSchemas = {
  'risk.status': empty,
  'risk.limits.get': empty,
  /** Sets a limit's hard level and/or soft level ("none" clears the soft level); scope by symbol or group, else global. */
  'risk.limits.set': z
    .strictObject({
      name: z.string().min(1).max(64),
      hard: z.string().min(1).max(40).optional(),
      soft: z.string().min(1).max(40).optional(),
      symbol: symbol.optional(),
      group: z.string().min(1).max(32).optional(),
      reason: z.string().max(200).optional(),
    })
    .refine((p) => p.hard !== undefined || p.soft !== undefined, { message: 'give a hard level, a soft level, or both', path: ['hard'] })
    .refine((p) => p.symbol === undefined || p.group === undefined, { message: 'a limit is scoped to a symbol or a group, not both', path: ['group'] }),
  'risk.limits.unset': z.strictObject({ name: z.string().min(1).max(64), symbol: symbol.optional(), group: z.string().min(1).max(32).optional(), reason: z.string().max(200).optional() }),
  'risk.limits.audit': z.strictObject({ limit: z.number().int().min(1).max(10000).default(100) }),
  /** Tightens at once; loosening (a resume) must quote the current resume token as `confirm`. */
  'risk.state.set': z.strictObject({ mode: z.enum(TRADING_MODES), reason: z.string().max(200).optional(), confirm: z.string().max(64).optional() }),
  'risk.state.log': z.strictObject({ limit: z.number().int().min(1).max(10000).default(100) }),
  /** Halts trading and cancels every working order and algo in one action. */
  'risk.killSwitch': z.strictObject({ reason: z.string().max(200).optional() }),
  'risk.breakers.log': z.strictObject({ limit: z.number().int().min(1).max(10000).default(100) }),
  /** The order's effect on position, exposure, leverage and VaR, and L1's verdict, without placing it. */
  'risk.whatIf': placeSchema,
} as const;

export interface RiskResults {
  'risk.status': RiskStatusDto;
  'risk.limits.get': LimitsDto;
  'risk.limits.set': LimitsDto;
  'risk.limits.unset': LimitsDto;
  'risk.limits.audit': LimitAuditDto[];
  'risk.state.set': TradingStateDto;
  'risk.state.log': StateTransitionDto[];
  'risk.killSwitch': { state: TradingStateDto; cancelled: string[] };
  'risk.breakers.log': BreakerEventDto[];
  'risk.whatIf': WhatIfDto;
}

export interface RiskEvents {
  /** The trading state changed (operator, kill switch or breaker). */
  'risk.state': TradingStateDto;
  /** A circuit breaker tripped or reset. */
  'risk.breaker': BreakerEventDto;
  /** Limits changed (any source). */
  'risk.limits': LimitsDto;
  /** Something the operator must see now: an order not acknowledged, a cancel not confirmed. */
  'engine.alert': EngineAlertDto;
}

import type { Handlers } from '../../contract/api.ts';
import { OPERATOR } from '../context.ts';
import type { KernelContext } from '../context.ts';

type RiskMethods =
  | 'risk.status'
  | 'risk.limits.get'
  | 'risk.limits.set'
  | 'risk.limits.unset'
  | 'risk.limits.audit'
  | 'risk.state.set'
  | 'risk.state.log'
  | 'risk.killSwitch'
  | 'risk.breakers.log';

/** L1 over the contract: limits with their audit, the trading state, the kill switch, breakers. */
export function riskHandlers(ctx: KernelContext): Pick<Handlers, RiskMethods> {
  const { risk } = ctx;
  return {
    'risk.status': () => risk.status(),
    'risk.limits.get': () => risk.limitsDto(),
    'risk.limits.set': (p) => risk.setLimit(p, OPERATOR, 'contract'),
    'risk.limits.unset': (p) => risk.unsetLimit(p, OPERATOR, 'contract'),
    'risk.limits.audit': ({ limit }) => risk.audit(limit),
    'risk.state.set': (p) => risk.setState(p, OPERATOR),
    'risk.state.log': ({ limit }) => risk.stateLog(limit),
    'risk.killSwitch': ({ reason }) => risk.killSwitch(reason, OPERATOR),
    'risk.breakers.log': ({ limit }) => risk.breakerLog(limit),
  };
}

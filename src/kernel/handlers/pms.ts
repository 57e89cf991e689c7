import type { Handlers } from '../../contract/api.ts';
import type { KernelContext } from '../context.ts';
import { whatIf } from '../what-if.ts';

/** The PMS over the contract (flags, metrics, stress) and the ticket's what-if, which asks L1 and the PMS. */
export function pmsHandlers(ctx: KernelContext): Pick<Handlers, 'risk.flags' | 'risk.metrics' | 'risk.stress' | 'risk.whatIf'> {
  const { pms } = ctx;
  return {
    'risk.flags': () => pms.currentFlags(),
    // The cycle's wall time is a diagnostic the loop keeps beside its metrics: added here, at the edge.
    'risk.metrics': () => ({ ...pms.metrics(), cycleMs: pms.diagnostics().cycleMs }),
    'risk.stress': (p) => pms.stress(p),
    'risk.whatIf': (p) => whatIf(ctx, p),
  };
}

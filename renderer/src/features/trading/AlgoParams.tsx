import { useId } from 'react';
import type { ReactNode } from 'react';
import type { ExecutionPlanDto, ExecutionStyle, InstrumentDto, RoutingDto } from '../../../../src/contract/index.ts';
import { PARAMS_OF, PARAM_LABEL, STYLE_LABEL, horizonOf, isAlgo } from './exec.ts';
import type { ParamKey } from './exec.ts';
import { updateTicket } from '../../state/index.ts';
import type { TicketState } from '../../state/index.ts';

// ---------------------------------------------------------------------------------------------
// Algorithm parameters.

const PARAM_AFFIX: Record<ParamKey, (base: string) => string> = {
  durationSec: () => 'sec',
  slices: () => '',
  jitterPct: () => '%',
  participationPct: () => '%',
  displayQty: (b) => b,
  minChildQty: (b) => b,
  maxChildQty: (b) => b,
};

/** What an empty field means: the engine's plan for this ticket (orders.preview), else routing's table, else 'auto'. */
function paramPlaceholder(key: ParamKey, plan: ExecutionPlanDto | null, horizon: number | null, routing: RoutingDto | null): string {
  const known = (v: number | null | undefined): string => (v === null || v === undefined ? 'auto' : String(v));
  switch (key) {
    case 'durationSec':
      return known(plan?.params.durationSec ?? (horizon !== null && horizon > 0 ? horizon : null));
    case 'slices':
      return known(plan?.params.slices);
    case 'jitterPct':
      return '0';
    case 'participationPct': {
      const p = plan?.params.participation ?? routing?.maxParticipation;
      return p === undefined ? 'auto' : String(Math.round(p * 1000) / 10);
    }
    case 'displayQty':
      return 'required';
    default:
      return 'auto';
  }
}

export function AlgoParams(props: {
  style: ExecutionStyle;
  ticket: TicketState;
  inst: InstrumentDto | undefined;
  plan: ExecutionPlanDto | null;
  routing: RoutingDto | null;
  touched: boolean;
  errors: string[];
}): ReactNode {
  const { style, ticket, inst, plan, routing, touched, errors } = props;
  const id = useId();
  if (!isAlgo(style)) return null;
  const keys = PARAMS_OF[style];
  const samePlan = plan && plan.algo === style ? plan : null;
  const horizon = horizonOf(ticket.urgency, routing);
  return (
    <fieldset className="algo-params">
      <legend>{STYLE_LABEL[style]} parameters</legend>
      <div className="algo-grid">
        {keys.map((k) => {
          const label = PARAM_LABEL[k];
          const affix = PARAM_AFFIX[k](inst?.base ?? '');
          const bad = touched && errors.some((e) => e.startsWith(label));
          return (
            <div className="field" key={k}>
              <label htmlFor={`${id}-${k}`}>{label}</label>
              <div className="input-affix">
                <input
                  id={`${id}-${k}`}
                  type="text"
                  inputMode={k === 'durationSec' ? 'text' : 'decimal'}
                  spellCheck={false}
                  placeholder={paramPlaceholder(k, samePlan, horizon, routing)}
                  value={ticket[k]}
                  onChange={(e) => updateTicket({ [k]: e.target.value })}
                  aria-invalid={bad}
                  title={k === 'durationSec' ? 'Seconds, or with a unit: 90s, 2m, 1h' : undefined}
                />
                {affix && <span className="affix">{affix}</span>}
              </div>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

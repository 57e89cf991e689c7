import { useMemo } from 'react';
import type { ReactNode } from 'react';
import type { RiskFlagDto } from '../../../../src/contract/index.ts';
import { fmtDateTime } from '../../shared/format.ts';
import { fmtAge, severityRank } from '../../shared/risk-format.ts';
import { useStore } from '../../state/index.ts';
import { Section } from './common.tsx';
import { useEngineNow } from '../../shared/time.ts';

// ---------------------------------------------------------------------------------------------
// Flags.

export function FlagChip({ f }: { f: RiskFlagDto }): ReactNode {
  return <span className={`sev sev-${f.severity}`}>{f.severity}</span>;
}

export function FlagsSection(): ReactNode {
  const flags = useStore((s) => s.riskFlags);
  const now = useEngineNow(5000);
  const sorted = useMemo(() => [...flags].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.since - b.since), [flags]);
  return (
    <Section title={`Flags (${flags.length})`}>
      {sorted.length === 0 ? (
        <div className="rk-empty">No flags raised</div>
      ) : (
        <ul className="rk-flags" aria-label="Active risk flags">
          {sorted.map((f) => (
            <li key={`${f.code}:${f.subject ?? ''}`} className={`rk-flag rk-flag-${f.severity}`}>
              <div className="rk-flag-head">
                <FlagChip f={f} />
                <strong className="mono">{f.code}</strong>
                {f.subject && <span className="muted">{f.subject}</span>}
                <span className={`rk-action rk-action-${f.action}`} title="Action of the escalation matrix">
                  {f.action.replace('_', ' ')}
                </span>
                <span className="muted rk-since" title={fmtDateTime(f.since)}>
                  {fmtAge(f.since, now)}
                </span>
              </div>
              <div className="rk-flag-msg">{f.message}</div>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

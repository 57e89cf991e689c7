import { useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import type { AlphaDto, SignalDto, TargetRowDto } from '../../../../src/contract/index.ts';
import { DASH, fmtDateTime, fmtTime, isNum } from '../../shared/format.ts';
import { registerFocus } from '../../shared/focus.ts';
import { URGENCY_LABELS, cadenceText, convictionPct, valueText, weightPct } from '../../shared/l2-format.ts';
import { PanelBoundary } from '../../shared/Panel.tsx';
import { fmtAge } from '../../shared/risk-format.ts';
import { useEngineNow } from '../../shared/time.ts';
import { errorText, layoutId, layoutStorage, refreshTarget, setAlphaEnabled, toast, useStore } from '../../state/index.ts';
import { AlphaParams } from './AlphaParams.tsx';

/**
 * The Signals screen: which alphas run (on / off, conviction weight and share, cadence, last run),
 * one alpha's parameters and diagnostics, the last signals, and each alpha's contribution to the
 * combined target per instrument.
 */

function horizonText(ms: number | null): string {
  if (ms === null) return 'until replaced';
  const h = ms / 3_600_000;
  return h >= 48 ? `${Math.round(h / 24)} d` : h >= 1 ? `${Math.round(h)} h` : `${Math.round(ms / 60_000)} min`;
}

function AlphasTable({ alphas, selected, onSelect }: { alphas: AlphaDto[]; selected: string | null; onSelect: (name: string) => void }): ReactNode {
  const busy = useStore((s) => s.alphaBusy);
  const now = useEngineNow(1000);
  const totalWeight = alphas.filter((a) => a.enabled).reduce((s, a) => s + (isNum(a.weight) ? a.weight : 0), 0);
  const toggle = async (a: AlphaDto): Promise<void> => {
    try {
      const r = await setAlphaEnabled(a.name, !a.enabled);
      toast('info', `Alpha ${r.name} ${r.enabled ? 'enabled' : 'disabled'}`);
    } catch (err) {
      const e = errorText(err);
      toast('error', `${a.enabled ? 'Disable' : 'Enable'} ${a.name} failed: ${e.code} — ${e.message}`);
    }
  };
  if (alphas.length === 0) return <div className="empty">No alphas loaded (is the engine's L2 running?).</div>;
  return (
    <table className="table l2-table sg-alphas" aria-label="Alphas">
      <thead>
        <tr>
          <th>On</th>
          <th>Alpha</th>
          <th>Kind</th>
          <th className="num">Weight</th>
          <th className="num">Share</th>
          <th>Cadence</th>
          <th className="num">Last run</th>
        </tr>
      </thead>
      <tbody>
        {alphas.map((a) => (
          <tr key={a.name} className={`${a.name === selected ? 'selected' : ''} ${a.enabled ? '' : 'sg-off'}`} aria-selected={a.name === selected} onClick={() => onSelect(a.name)}>
            <td>
              <input type="checkbox" checked={a.enabled} disabled={Boolean(busy[a.name])} aria-label={`${a.name} enabled`} onChange={() => void toggle(a)} onClick={(e) => e.stopPropagation()} />
            </td>
            <th scope="row">
              <button type="button" className="link-btn mono" aria-pressed={a.name === selected} onClick={() => onSelect(a.name)} title={a.description}>
                {a.name}
              </button>
            </th>
            <td className="muted">{a.kind}</td>
            <td className="num">{valueText(a.weight)}</td>
            <td className="num">{a.enabled && totalWeight > 0 ? weightPct(a.weight / totalWeight, 0) : DASH}</td>
            <td>{cadenceText(a.cadence)}</td>
            <td className="num" title={a.lastRunAt ? fmtDateTime(a.lastRunAt) : 'not since the engine started'}>
              {a.lastRunAt ? `${fmtAge(a.lastRunAt, now)} ago` : DASH}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Diagnostics({ alpha }: { alpha: AlphaDto }): ReactNode {
  const d = alpha.diagnostics;
  if (!d || Object.keys(d).length === 0) return null;
  return (
    <dl className="sg-diag" aria-label={`Diagnostics of ${alpha.name}`}>
      {Object.entries(d).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd className="mono">{valueText(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function LastSignals({ signals }: { signals: SignalDto[] }): ReactNode {
  const shown = signals.slice(0, 150);
  if (shown.length === 0) return <div className="empty">No signals yet: alphas signal on their cadence once they have enough history.</div>;
  return (
    <table className="table l2-table" aria-label="Last signals">
      <thead>
        <tr>
          <th>Time</th>
          <th>Alpha</th>
          <th>Instrument</th>
          <th className="num">Target / Δ</th>
          <th className="num">Conviction</th>
          <th>Urgency</th>
          <th className="num">Exp. return</th>
          <th>Horizon</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((s) => (
          <tr key={s.id} title={Object.entries(s.inputs ?? {}).map(([k, v]) => `${k}: ${valueText(v)}`).join('\n')}>
            <td className="mono">{fmtTime(s.time)}</td>
            <td className="mono">{s.alpha}</td>
            <td>
              <strong>{s.instrument}</strong>
            </td>
            <td className="num">
              {s.kind === 'delta' ? 'Δ ' : ''}
              {weightPct(s.value)}
            </td>
            <td className="num">{convictionPct(s.conviction)}</td>
            <td>{URGENCY_LABELS[s.urgency] ?? s.urgency}</td>
            <td className="num">{isNum(s.expectedReturn) ? weightPct(s.expectedReturn, 2) : DASH}</td>
            <td className="muted">{horizonText(s.horizonMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Each alpha's term in every instrument's combined target (share × conviction × value). */
function ContributionMatrix({ rows, alphas }: { rows: TargetRowDto[]; alphas: AlphaDto[] }): ReactNode {
  const names = useMemo(() => {
    const seen = new Set<string>();
    for (const r of rows) for (const c of r.contributions) seen.add(c.alpha);
    return alphas.map((a) => a.name).filter((n) => seen.has(n)).concat([...seen].filter((n) => !alphas.some((a) => a.name === n)));
  }, [rows, alphas]);
  if (rows.length === 0) return <div className="empty">No combined target yet.</div>;
  return (
    <table className="table l2-table" aria-label="Contributions by alpha">
      <thead>
        <tr>
          <th>Instrument</th>
          {names.map((n) => (
            <th key={n} className="num mono">
              {n}
            </th>
          ))}
          <th className="num">Combined</th>
          <th className="num">Support</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.symbol}>
            <th scope="row">{r.symbol}</th>
            {names.map((n) => {
              const c = r.contributions.find((x) => x.alpha === n);
              return (
                <td key={n} className="num" title={c ? `${n}: wants ${weightPct(c.value)} at conviction ${convictionPct(c.conviction)}, share ${weightPct(c.share, 0)}` : undefined}>
                  {c ? weightPct(c.contribution, 2) : DASH}
                </td>
              );
            })}
            <td className="num">
              <strong>{r.combinedTarget === null ? DASH : weightPct(r.combinedTarget, 2)}</strong>
            </td>
            <td className="num">{convictionPct(r.support)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SignalsScreen(): ReactNode {
  const alphas = useStore((s) => s.alphas);
  const recent = useStore((s) => s.recentSignals);
  const cycle = useStore((s) => s.lastCycle);
  const everyMs = useStore((s) => s.cycleEveryMs);
  const target = useStore((s) => s.portfolioTarget);
  const [picked, setPicked] = useState<string | null>(null);
  const layout = useDefaultLayout({ id: layoutId('signals', 'columns'), storage: layoutStorage, onlySaveAfterUserInteractions: true });
  const alpha = alphas.find((a) => a.name === picked) ?? alphas[0] ?? null;
  // Contributions come with the combined target; ask for it when the screen opens.
  useEffect(() => void refreshTarget(), []);

  return (
    <div className="sg" role="region" aria-label="Signals" tabIndex={-1} ref={(el) => registerFocus('signals', el)}>
      <Group orientation="horizontal" id="g-signals" className="workspace" defaultLayout={layout.defaultLayout} onLayoutChanged={layout.onLayoutChanged}>
        <Panel id="p-sg-alphas" defaultSize="46%" minSize="420px">
          <PanelBoundary name="Alphas">
            <div className="panel">
              <header className="panel-head">
                <h2 className="panel-title">Alphas</h2>
                <span className="muted panel-hint">
                  {everyMs > 0 ? `signal cycle every ${Math.round(everyMs / 1000)} s` : ''}
                  {cycle ? ` · last ${fmtTime(cycle.at)} (${cycle.ran.length} ran${cycle.failed.length ? `, ${cycle.failed.length} failed` : ''})` : ''}
                </span>
              </header>
              <div className="panel-body scroll">
                <AlphasTable alphas={alphas} selected={alpha?.name ?? null} onSelect={setPicked} />
                {cycle && cycle.failed.length > 0 && (
                  <ul className="sg-failed" aria-label="Failed alphas">
                    {cycle.failed.map((f) => (
                      <li key={f.alpha}>
                        <strong className="mono">{f.alpha}</strong> <span className="mono neg">{f.code}</span> {f.message}
                      </li>
                    ))}
                  </ul>
                )}
                {alpha && (
                  <section className="sg-alpha" aria-label={`Alpha ${alpha.name}`}>
                    <h3 className="ap-sec-title">
                      {alpha.name} <span className="muted">· {alpha.kind}</span>
                    </h3>
                    <p className="muted sg-desc">{alpha.description}</p>
                    <Diagnostics alpha={alpha} />
                    <AlphaParams alpha={alpha} />
                  </section>
                )}
              </div>
            </div>
          </PanelBoundary>
        </Panel>
        <Separator className="sep sep-h" />
        <Panel id="p-sg-signals" minSize="420px">
          <PanelBoundary name="Signals and contributions">
            <div className="panel">
              <header className="panel-head">
                <h2 className="panel-title">Contributions</h2>
                <span className="muted panel-hint">{target ? `combined target at ${fmtTime(target.at)}` : ''}</span>
              </header>
              <div className="panel-body scroll sg-right">
                <ContributionMatrix rows={target?.rows ?? []} alphas={alphas} />
                <h3 className="ap-sec-title sg-sub">Last signals</h3>
                <LastSignals signals={recent} />
              </div>
            </div>
          </PanelBoundary>
        </Panel>
      </Group>
    </div>
  );
}

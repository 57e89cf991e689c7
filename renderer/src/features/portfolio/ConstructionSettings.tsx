import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { CONSTRUCTION_METHODS, REBALANCE_CADENCES, SIZING_CHOICES } from '../../../../src/contract/api/portfolio.ts';
import type { PortfolioSettingsDto } from '../../../../src/contract/api/portfolio.ts';
import { configurePortfolio, errorText, loadPortfolioSettings, toast, useStore } from '../../state/index.ts';
import { formOf, inputOf, pctText } from './construction-form.ts';
import type { Form } from './construction-form.ts';
import './construction.css';

/**
 * How the live book is built (portfolio.settings), and a form to change it (portfolio.configure):
 * the construction method, the weight constraints, sizing and the rebalancer. Percent fields are
 * typed as percent; an empty optional field means "none". The engine validates and journals the
 * change; a refusal (BAD_PARAM, INFEASIBLE) is shown with its sentence and changes nothing. A
 * change made elsewhere (another window, the CLI) arrives as `portfolio.configured`: the heading
 * shows it at once, and the form follows unless the operator has edited it.
 */

const METHOD_LABELS: Record<(typeof CONSTRUCTION_METHODS)[number], string> = {
  'signal-weighted': 'Signal-weighted (the signals\u2019 targets)',
  equal: 'Equal weight',
  'inverse-vol': 'Inverse volatility',
  'risk-parity': 'Risk parity',
  hrp: 'Hierarchical risk parity',
  'min-volatility': 'Minimum volatility',
  'max-sharpe': 'Maximum Sharpe',
};

export function ConstructionSettings(): ReactNode {
  const connected = useStore((s) => s.conn.phase === 'open');
  const epoch = useStore((s) => s.epoch);
  const settings = useStore((s) => s.portfolioSettings);
  const [form, setForm] = useState<Form | null>(null);
  /** The settings the form was last filled from: the form is the operator's once it differs from them. */
  const [formFrom, setFormFrom] = useState<PortfolioSettingsDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!connected) return;
    let live = true;
    loadPortfolioSettings().catch((err: unknown) => {
      if (live) setError(`${errorText(err).code}: ${errorText(err).message}`);
    });
    return () => {
      live = false;
    };
  }, [connected, epoch]);

  // New settings (loaded, applied here, or pushed from elsewhere) refill a form nobody has edited.
  if (settings !== null && settings !== formFrom) {
    const untouched = form === null || formFrom === null || JSON.stringify(form) === JSON.stringify(formOf(formFrom));
    setFormFrom(settings);
    if (untouched) setForm(formOf(settings));
  }

  if (!settings || !form) return <section className="pf-sec" aria-label="Construction">{error ? <div role="alert">{error}</div> : <div className="muted">Loading construction settings…</div>}</section>;

  const edit = <K extends keyof Form>(k: K, v: Form[K]) => setForm({ ...form, [k]: v });
  const apply = async (): Promise<void> => {
    const input = inputOf(form);
    if (typeof input === 'string') {
      setError(input);
      return;
    }
    setBusy(true);
    try {
      const s = await configurePortfolio(input);
      setForm(formOf(s));
      setFormFrom(s);
      setError(null);
      toast('info', `Portfolio construction: ${METHOD_LABELS[s.method]}`);
    } catch (err) {
      const e = errorText(err);
      setError(`${e.code}: ${e.message}`);
    } finally {
      setBusy(false);
    }
  };
  const c = settings.constraints;
  const groups = Object.entries(c.groupCaps).map(([g, cap]) => `${g} ≤ ${pctText(cap)}%`);
  const text = (id: keyof Form, label: string, unit: string, hint?: string) => (
    <label className="pf-field">
      <span>{label}</span>
      <input type="text" inputMode="decimal" value={form[id]} placeholder={hint} onChange={(e) => edit(id, e.target.value as Form[typeof id])} aria-label={`${label}${unit ? ` (${unit})` : ''}`} />
      {unit && <span className="muted">{unit}</span>}
    </label>
  );
  return (
    <section className="pf-sec pf-construction" aria-label="Construction">
      <h3 className="pf-sec-title">
        Construction: <strong>{METHOD_LABELS[settings.method]}</strong>
        <span className="muted">
          {' '}
          · max weight {c.maxWeight === null ? 'none' : `${pctText(c.maxWeight)}%`} · cash buffer {pctText(c.cashBuffer)}% · sizing {settings.sizing} · {settings.rebalance.cadence}
          {groups.length > 0 ? ` · groups ${groups.join(', ')}` : ''}
        </span>
      </h3>
      <form
        className="pf-form"
        aria-label="Construction settings"
        onSubmit={(e) => {
          e.preventDefault();
          void apply();
        }}
      >
        <label className="pf-field">
          <span>Method</span>
          <select value={form.method} onChange={(e) => edit('method', e.target.value as Form['method'])} aria-label="Method">
            {CONSTRUCTION_METHODS.map((m) => (
              <option key={m} value={m}>
                {METHOD_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        {text('maxWeight', 'Max weight', '%', 'none')}
        {text('minWeight', 'Min weight', '%')}
        {text('cashBuffer', 'Cash buffer', '%')}
        {text('stayClose', 'Stay close', '', '0 = off')}
        <label className="pf-field">
          <span>Sizing</span>
          <select value={form.sizing} onChange={(e) => edit('sizing', e.target.value as Form['sizing'])} aria-label="Sizing">
            {SIZING_CHOICES.map((s) => (
              <option key={s} value={s}>
                {s === 'dynamic' ? 'Dynamic (volatility, drawdown, correlation, capacity)' : 'None (constructed targets)'}
              </option>
            ))}
          </select>
        </label>
        {text('driftThreshold', 'Drift threshold', '%')}
        {text('turnoverCap', 'Turnover cap', '%', 'none')}
        {text('maxTradeWeight', 'Max trade', '% NAV')}
        {text('minTradeValue', 'Min trade', 'value', 'instrument minimum')}
        <label className="pf-field">
          <span>Cadence</span>
          <select value={form.cadence} onChange={(e) => edit('cadence', e.target.value as Form['cadence'])} aria-label="Cadence">
            {REBALANCE_CADENCES.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-ok" disabled={busy || !connected}>
          Apply construction
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => setForm(formOf(settings))}>
          Reset form
        </button>
      </form>
      {error && (
        <div role="alert" className="pf-error">
          {error}
        </div>
      )}
    </section>
  );
}

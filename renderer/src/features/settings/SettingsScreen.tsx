import { useEffect, useId, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { RpcError } from '../../../../src/contract/index.ts';
import { REPLAY_SPEEDS } from '../../../../src/contract/index.ts';
import type { ReplaySpeed, VenueMode } from '../../../../src/contract/index.ts';
import { PanelBoundary } from '../../shared/Panel.tsx';
import { demoTapePath, replayCashCurrency, replayLoad, replayStop, saveVenueConfig, storeKeys, toast, useStore } from '../../state/index.ts';
import './settings.css';

function failure(err: unknown): string {
  if (err instanceof RpcError) return `${err.issues?.[0]?.path ? `${err.issues[0].path}: ` : ''}${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** A form's refusal, read out when it appears. */
function FormError({ error }: { error: string | null }): ReactNode {
  return error ? (
    <p className="st-error" role="alert">
      {error}
    </p>
  ) : null;
}

/** What the engine runs on now: venue, account, mode, connection, the venue's alerts. */
function CurrentVenue(): ReactNode {
  const info = useStore((s) => s.venueInfo);
  const session = useStore((s) => s.session);
  if (!info) return <p className="muted">Venue: loading…</p>;
  const modeText = info.venueMode === 'live' ? 'LIVE: real orders' : info.venueMode === 'paper' ? 'PAPER on live data' : `${info.mode} (demo venue)`;
  return (
    <section className="st-sec" aria-label="Current venue">
      <h3>Current venue</h3>
      <dl className="st-kv">
        <dt>Venue</dt>
        <dd data-testid="venue-name">{session?.venue ?? info.exchangeId ?? 'sim'}</dd>
        <dt>Mode</dt>
        <dd className={info.venueMode === 'live' ? 'st-live' : ''} data-testid="venue-mode">
          {modeText}
        </dd>
        <dt>Account</dt>
        <dd data-testid="venue-account">{info.account ?? 'demo account'}</dd>
        <dt>Connection</dt>
        <dd data-testid="venue-connection">{info.connection}</dd>
        {info.apiUrl && (
          <>
            <dt>API URL</dt>
            <dd className="mono">{info.apiUrl}</dd>
          </>
        )}
      </dl>
      {info.alerts.length > 0 && (
        <ul className="st-alerts" aria-label="Venue alerts">
          {info.alerts.map((a) => (
            <li key={`${a.at}-${a.code}`} className={`st-alert-${a.level}`}>
              <strong>{a.code}</strong> {a.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Exchange, mode (live asks for confirmation), symbols, rate-limit share, API URL; save or save and apply. */
function VenueForm(): ReactNode {
  const cfg = useStore((s) => s.venueConfig);
  const cfgError = useStore((s) => s.venueConfigError);
  const switching = useStore((s) => s.venueSwitching);
  const id = useId();
  const [exchangeId, setExchangeId] = useState('binance');
  const [mode, setMode] = useState<VenueMode>('paper');
  const [symbols, setSymbols] = useState('BTC/USDT');
  const [factor, setFactor] = useState('0.8');
  const [apiUrl, setApiUrl] = useState('');
  const [confirmLive, setConfirmLive] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!cfg) return;
    setExchangeId(cfg.exchangeId);
    setMode(cfg.mode);
    setSymbols(cfg.symbols.join(','));
    setFactor(String(cfg.rateLimitFactor));
    setApiUrl(cfg.apiUrl ?? '');
  }, [cfg]);

  const submit = async (apply: boolean) => {
    setError(null);
    if (mode === 'live' && !confirmLive) {
      setError('Live mode sends real orders with real money: tick the confirmation first.');
      return;
    }
    setBusy(true);
    try {
      await saveVenueConfig({
        exchangeId: exchangeId.trim().toLowerCase(),
        mode,
        symbols: symbols.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s.length > 0),
        rateLimitFactor: Number(factor),
        apiUrl: apiUrl.trim() === '' ? null : apiUrl.trim(),
        confirmLive: mode === 'live' && confirmLive,
        apply,
      });
      setConfirmLive(false);
    } catch (err) {
      setError(failure(err));
      toast('error', `Venue configuration refused: ${failure(err)}`);
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit(true);
  };
  return (
    <form className="st-sec" aria-label="Venue configuration" onSubmit={onSubmit}>
      <h3>Exchange</h3>
      {cfgError && <p className="st-error">{cfgError}</p>}
      <div className="st-grid">
        <label htmlFor={`${id}-ex`}>Exchange (ccxt id)</label>
        <input id={`${id}-ex`} value={exchangeId} onChange={(e) => setExchangeId(e.target.value)} spellCheck={false} autoComplete="off" />
        <span id={`${id}-mode`}>Mode</span>
        <div role="radiogroup" aria-labelledby={`${id}-mode`} className="st-radios">
          {(['paper', 'live'] as const).map((m) => (
            <label key={m}>
              <input type="radio" name={`${id}-mode`} value={m} checked={mode === m} onChange={() => { setMode(m); setConfirmLive(false); }} />
              {m === 'live' ? 'Live (real orders)' : 'Paper (on live data)'}
            </label>
          ))}
        </div>
        <label htmlFor={`${id}-sym`}>Symbols</label>
        <input id={`${id}-sym`} value={symbols} onChange={(e) => setSymbols(e.target.value)} spellCheck={false} placeholder="BTC/USDT,ETH/USDT" />
        <label htmlFor={`${id}-rl`}>Rate-limit share</label>
        <input id={`${id}-rl`} type="number" min="0.05" max="1" step="0.05" value={factor} onChange={(e) => setFactor(e.target.value)} />
        <label htmlFor={`${id}-url`}>API base URL</label>
        <input id={`${id}-url`} value={apiUrl} onChange={(e) => setApiUrl(e.target.value)} spellCheck={false} placeholder="default (the exchange's own)" />
      </div>
      {mode === 'live' && (
        <label className="st-confirm">
          <input type="checkbox" checked={confirmLive} onChange={(e) => setConfirmLive(e.target.checked)} />
          I understand live mode sends real orders with real money
        </label>
      )}
      <FormError error={error} />
      <div className="st-actions">
        <button type="button" className="btn" disabled={busy || switching} onClick={() => void submit(false)}>
          Save
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy || switching}>
          {switching ? 'Connecting…' : 'Save and connect'}
        </button>
      </div>
    </form>
  );
}

/** API key and secret: password fields, cleared once stored, never filled from the engine. */
function KeysForm(): ReactNode {
  const cfg = useStore((s) => s.venueConfig);
  const id = useId();
  const [apiKey, setApiKey] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const exchangeId = cfg?.exchangeId ?? 'binance';
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await storeKeys({ exchangeId, apiKey, secret });
      setApiKey('');
      setSecret('');
    } catch (err) {
      setError(failure(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="st-sec" aria-label="API keys" onSubmit={(e) => void onSubmit(e)} autoComplete="off">
      <h3>API keys for {exchangeId}</h3>
      <p className="muted" data-testid="keys-status">
        {cfg?.keysStored ? 'Keys stored (encrypted). Enter new ones to replace them.' : 'No keys stored.'}
      </p>
      <div className="st-grid">
        <label htmlFor={`${id}-key`}>API key</label>
        <input id={`${id}-key`} type="password" value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="new-password" spellCheck={false} />
        <label htmlFor={`${id}-secret`}>API secret</label>
        <input id={`${id}-secret`} type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="new-password" spellCheck={false} />
      </div>
      <FormError error={error} />
      <div className="st-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || apiKey.trim() === '' || secret.trim() === ''}>
          Store keys
        </button>
      </div>
    </form>
  );
}

/**
 * Replay a recorded market through the engine (as `strata replay load FILE` does): a trade tape or a
 * Strata recording, by its path on the engine's machine (the demo tape is offered when the host has
 * it), a speed and an optional start. The VCR bar under the top bar then drives it.
 */
function ReplayForm(): ReactNode {
  const replay = useStore((s) => s.replay);
  const id = useId();
  const [path, setPath] = useState('');
  const [speed, setSpeed] = useState<ReplaySpeed>('1');
  const [from, setFrom] = useState('');
  // The replay account's starting cash in the recording's quote currency; empty: the host's default.
  const [cash, setCash] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const cashUnit = replayCashCurrency(path, replay);
  useEffect(() => {
    let live = true;
    demoTapePath().then(
      (p) => {
        if (live && p) setPath((cur) => (cur === '' ? p : cur));
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    let start: number | undefined;
    if (from.trim() !== '') {
      start = Date.parse(from.trim());
      if (Number.isNaN(start)) {
        setError(`Start: cannot read "${from.trim()}" as a time (e.g. 2019-10-11T01:00:00Z)`);
        return;
      }
    }
    const startCash = cash.trim().replace(/,/g, '');
    if (startCash !== '' && !(/^\d+(\.\d+)?$/.test(startCash) && Number(startCash) > 0)) {
      setError(`Cash: "${cash.trim()}" is not a positive amount (e.g. 100 or 2500.50)`);
      return;
    }
    setBusy(true);
    try {
      const r = await replayLoad({ path: path.trim(), speed, ...(start !== undefined ? { from: start } : {}), ...(startCash !== '' ? { cash: startCash } : {}) });
      toast('info', `Replay loaded: ${r.symbols.join(', ')}, ${r.events.toLocaleString('en-US')} recorded trades`);
    } catch (err) {
      setError(err instanceof RpcError ? `${err.code}: ${failure(err)}` : failure(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="st-sec" aria-label="Replay a recorded market" onSubmit={(e) => void onSubmit(e)}>
      <h3>Replay a recorded market</h3>
      {replay?.loaded ? (
        <p data-testid="replay-loaded">
          Replaying <span className="mono">{(replay.file ?? '').split(/[\\/]/).pop()}</span> ({replay.symbols.join(', ')}) on a replay account apart from paper.{' '}
          <button type="button" className="btn" onClick={() => void replayStop()}>
            Stop replay
          </button>
        </p>
      ) : (
        <p className="muted">A trade tape (Binance trades CSV) or a Strata recording, on the engine&apos;s machine. Orders go to a separate replay account.</p>
      )}
      <div className="st-grid">
        <label htmlFor={`${id}-path`}>Recording file</label>
        <input id={`${id}-path`} value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} autoComplete="off" placeholder="/path/to/trades.csv" />
        <label htmlFor={`${id}-speed`}>Replay speed</label>
        <select id={`${id}-speed`} value={speed} onChange={(e) => setSpeed(e.target.value as ReplaySpeed)}>
          {REPLAY_SPEEDS.map((x) => (
            <option key={x} value={x}>
              {x === 'max' ? 'max' : `${x}×`}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-from`}>Start at (UTC)</label>
        <input id={`${id}-from`} value={from} onChange={(e) => setFrom(e.target.value)} spellCheck={false} placeholder="the first recorded trade" />
        <label htmlFor={`${id}-cash`}>Cash</label>
        {/* The amount's currency beside it, before the file is loaded too: the tape's quote. */}
        <div className="st-amount">
          <input
            id={`${id}-cash`}
            value={cash}
            onChange={(e) => setCash(e.target.value)}
            inputMode="decimal"
            spellCheck={false}
            autoComplete="off"
            placeholder="from the recording"
            aria-describedby={`${id}-cash-unit`}
            title="The replay account's starting cash, in the recording's quote currency (ETH on XRP/ETH). Empty: 1,000,000 on a fiat or stablecoin quote, else 1,000 × the median trade's notional (100 ETH on the demo tape)."
          />
          <span id={`${id}-cash-unit`} className="st-unit" data-testid="replay-cash-currency" title={cashUnit.from}>
            {cashUnit.currency ?? 'quote currency'}
          </span>
          <span className="muted st-unit-note">{cashUnit.from}</span>
        </div>
      </div>
      <FormError error={error} />
      <div className="st-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || path.trim() === ''}>
          {replay?.loaded ? 'Load another replay' : 'Load replay'}
        </button>
      </div>
    </form>
  );
}

/** The Settings screen: the venue the engine trades on, its configuration and keys, and replay. */
export function SettingsScreen(): ReactNode {
  return (
    <div className="st scroll" role="region" aria-label="Settings">
      <PanelBoundary name="Settings">
        <CurrentVenue />
        <VenueForm />
        <KeysForm />
        <ReplayForm />
      </PanelBoundary>
    </div>
  );
}

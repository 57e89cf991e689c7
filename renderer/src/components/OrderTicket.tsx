import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent, ReactNode } from 'react';
import type { InstrumentDto, OrderDto, QuoteDto, RiskLimitsDto } from '../../../src/contract/index.ts';
import { fmtMoney, fmtNum, fmtSigned, isNum, onStep, parseDecimal, pnlClass, roundToStep } from '../format.ts';
import { registerFocus } from '../focus.ts';
import { applyOrder, call, clearTicket, errorText, orders, selectSymbol, updateTicket, useStore } from '../store.ts';
import type { TicketState } from '../store.ts';

interface Check {
  /** Blocking: the form is malformed and is not sent. */
  errors: string[];
  /** Advisory: the engine will most likely deny it, but the engine decides. */
  warnings: string[];
  qty: number | null;
  price: number | null;
  notional: number | null;
}

export function checkTicket(t: TicketState, inst: InstrumentDto | undefined, quote: QuoteDto | undefined, limits: RiskLimitsDto | null): Check {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!inst) errors.push('Choose a symbol.');
  const qty = t.qty.trim() === '' ? null : parseDecimal(t.qty);
  if (t.qty.trim() === '') errors.push('Enter a quantity.');
  else if (qty === null || qty <= 0) errors.push('Quantity must be a positive number.');
  let price: number | null = null;
  if (t.type === 'limit') {
    price = t.price.trim() === '' ? null : parseDecimal(t.price);
    if (t.price.trim() === '') errors.push('Enter a limit price.');
    else if (price === null || price <= 0) errors.push('Limit price must be a positive number.');
  }
  const ref =
    t.type === 'limit' ? price : t.side === 'buy' ? (quote?.ask ?? quote?.last ?? null) : (quote?.bid ?? quote?.last ?? null);
  const notional = qty !== null && qty > 0 && isNum(ref) ? qty * ref : null;
  if (inst) {
    if (!inst.tradable) warnings.push(`${inst.symbol} is not tradable right now.`);
    if (qty !== null && qty > 0 && !onStep(qty, inst.lotSize)) warnings.push(`Quantity is not a multiple of the lot size ${fmtNum(inst.lotSize, inst.qtyDecimals)}.`);
    if (price !== null && price > 0 && !onStep(price, inst.tickSize)) warnings.push(`Price is not on the tick size ${fmtNum(inst.tickSize, inst.priceDecimals)}.`);
    if (notional !== null && notional < inst.minNotional) warnings.push(`Notional is below the minimum of ${fmtMoney(inst.minNotional)} ${inst.quote}.`);
    if (notional !== null && limits && notional > limits.maxOrderNotional) warnings.push(`Notional is above the order limit of ${fmtMoney(limits.maxOrderNotional, 0)}.`);
  }
  return { errors, warnings, qty, price, notional };
}

type Outcome =
  | { kind: 'placed'; orderId: string }
  | { kind: 'denied'; orderId: string; code: string; message: string }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'invalid'; messages: string[] };

function OutcomeView({ outcome }: { outcome: Outcome | null }): ReactNode {
  useStore((s) => s.ordersRev);
  const instruments = useStore((s) => s.instruments);
  if (!outcome) return <div className="ticket-outcome" aria-live="polite" />;
  if (outcome.kind === 'denied') {
    return (
      <div className="ticket-outcome denied" role="alert">
        <div className="outcome-head">
          <span className="status st-DENIED">DENIED</span> <strong className="mono">{outcome.code}</strong>{' '}
          <span className="muted">
            order <span className="mono">{outcome.orderId}</span>
          </span>
        </div>
        <div className="outcome-msg">{outcome.message}</div>
      </div>
    );
  }
  if (outcome.kind === 'error') {
    return (
      <div className="ticket-outcome error" role="alert">
        <div className="outcome-head">
          <strong className="mono">{outcome.code}</strong>
        </div>
        <div className="outcome-msg">{outcome.message}</div>
      </div>
    );
  }
  if (outcome.kind === 'invalid') {
    return (
      <div className="ticket-outcome invalid" role="alert">
        {outcome.messages.map((m) => (
          <div key={m}>{m}</div>
        ))}
      </div>
    );
  }
  // Placed: follow the order live.
  const o: OrderDto | undefined = orders.get(outcome.orderId);
  const inst: InstrumentDto | undefined = o ? instruments[o.symbol] : undefined;
  return (
    <div className="ticket-outcome placed" role="status">
      <div className="outcome-head">
        Order <span className="mono">{outcome.orderId}</span>{' '}
        {o && (
          <span className="muted">
            {o.side === 'buy' ? 'BUY' : 'SELL'} {fmtNum(o.qty, inst?.qtyDecimals)} {o.symbol}
          </span>
        )}{' '}
        {o && <span className={`status st-${o.status}`}>{o.status.replace('_', ' ')}</span>}
      </div>
      {o && o.filledQty > 0 && (
        <div className="outcome-msg">
          Filled {fmtNum(o.filledQty, inst?.qtyDecimals)} @ {fmtNum(o.avgPrice, inst?.priceDecimals)}
        </div>
      )}
      {o?.reason && (
        <div className="outcome-msg">
          <strong>{o.reason.code}</strong> {o.reason.message}
        </div>
      )}
    </div>
  );
}

export function OrderTicket(): ReactNode {
  const symbols = useStore((s) => s.symbols);
  const selected = useStore((s) => s.selected);
  const inst = useStore((s) => (s.selected ? s.instruments[s.selected] : undefined));
  const quote = useStore((s) => (s.selected ? s.quotes[s.selected] : undefined));
  const limits = useStore((s) => s.limits);
  const position = useStore((s) => (s.selected ? s.positions[s.selected] : undefined));
  const ticket = useStore((s) => s.ticket);
  const focusReq = useStore((s) => s.ticketFocus);
  const connected = useStore((s) => s.conn.phase === 'open');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const qtyRef = useRef<HTMLInputElement | null>(null);
  const sectionRef = useRef<HTMLElement | null>(null);
  const id = useId();

  useEffect(() => {
    if (focusReq > 0) {
      qtyRef.current?.focus();
      qtyRef.current?.select();
    }
  }, [focusReq]);

  const check = checkTicket(ticket, inst, quote, limits);
  const qd = inst?.qtyDecimals;
  const pd = inst?.priceDecimals;
  const sideLabel = ticket.side === 'buy' ? 'Buy' : 'Sell';
  const summary = `${sideLabel} ${check.qty !== null && check.qty > 0 ? fmtNum(check.qty, qd) : ''} ${selected ?? ''}`.replace(/\s+/g, ' ').trim();

  const submit = async (): Promise<void> => {
    if (busy) return;
    setTouched(true);
    if (check.errors.length || !selected || check.qty === null) {
      setOutcome({ kind: 'invalid', messages: check.errors });
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const params =
        ticket.type === 'limit'
          ? { symbol: selected, side: ticket.side, qty: check.qty, type: 'limit' as const, price: check.price ?? undefined, tif: ticket.tif, source: 'manual' as const }
          : { symbol: selected, side: ticket.side, qty: check.qty, type: 'market' as const, tif: ticket.tif, source: 'manual' as const };
      const order = await call('orders.place', params);
      applyOrder(order);
      if (order.status === 'DENIED') {
        setOutcome({ kind: 'denied', orderId: order.id, code: order.reason?.code ?? 'DENIED', message: order.reason?.message ?? 'The order was refused.' });
      } else {
        setOutcome({ kind: 'placed', orderId: order.id });
      }
    } catch (err) {
      const e = errorText(err);
      setOutcome({ kind: 'error', code: e.code, message: e.message });
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = (e: FormEvent): void => {
    e.preventDefault();
    void submit();
  };

  const clear = (): void => {
    clearTicket();
    setOutcome(null);
    setTouched(false);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>): void => {
    const target = e.target as HTMLElement;
    if (e.key === 'Enter' && !e.altKey && !e.ctrlKey && !e.metaKey) {
      // Buttons handle Enter themselves (price shortcuts must not submit).
      if (target.tagName === 'BUTTON') return;
      e.preventDefault();
      void submit();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      clear();
    }
  };

  // Arrow keys step quantity by the lot and price by the tick.
  const stepper =
    (field: 'qty' | 'price') =>
    (e: KeyboardEvent<HTMLInputElement>): void => {
      if (!inst || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
      e.preventDefault();
      const step = field === 'qty' ? inst.lotSize : inst.tickSize;
      const decimals = field === 'qty' ? inst.qtyDecimals : inst.priceDecimals;
      const mult = e.shiftKey ? 10 : 1;
      const cur = parseDecimal(ticket[field]) ?? (field === 'price' ? (quote?.last ?? 0) : 0);
      const next = Math.max(step, cur + (e.key === 'ArrowUp' ? 1 : -1) * step * mult);
      updateTicket({ [field]: roundToStep(next, step, decimals) });
    };

  const setPriceFrom = (p: number | null | undefined): void => {
    if (!isNum(p) || !inst) return;
    updateTicket({ type: 'limit', price: roundToStep(p, inst.tickSize, inst.priceDecimals) });
  };
  const mid = isNum(quote?.bid) && isNum(quote?.ask) ? ((quote.bid as number) + (quote.ask as number)) / 2 : null;

  const showErrors = touched && check.errors.length > 0 && outcome?.kind !== 'invalid';

  return (
    <section
      ref={(el) => {
        sectionRef.current = el;
        registerFocus('ticket', el);
      }}
      className={`panel ticket side-${ticket.side}`}
      aria-label="Order ticket"
      role="region"
    >
      <header className="panel-head">
        <h2 className="panel-title">Order ticket</h2>
        <span className="panel-hint">
          <kbd>F2</kbd>
        </span>
      </header>
      <form className="panel-body ticket-form" onSubmit={onSubmit} onKeyDown={onKeyDown} noValidate autoComplete="off">
        <div className="ticket-fields">
          <div className="field">
            <label htmlFor={`${id}-sym`}>Symbol</label>
            <select id={`${id}-sym`} value={selected ?? ''} onChange={(e) => selectSymbol(e.target.value)}>
              {symbols.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>

          <div className="side-toggle" role="radiogroup" aria-label="Side">
            {(['buy', 'sell'] as const).map((s) => (
              <label key={s} className={`side-opt side-opt-${s} ${ticket.side === s ? 'checked' : ''}`}>
                <input type="radio" name={`${id}-side`} value={s} checked={ticket.side === s} onChange={() => updateTicket({ side: s })} />
                <span>{s === 'buy' ? 'Buy' : 'Sell'}</span>
                <span className="side-px mono">{fmtNum(s === 'buy' ? quote?.ask : quote?.bid, pd)}</span>
              </label>
            ))}
          </div>

          <div className="field-row">
            <div className="field">
              <label htmlFor={`${id}-type`}>Order type</label>
              <select id={`${id}-type`} value={ticket.type} onChange={(e) => updateTicket({ type: e.target.value === 'limit' ? 'limit' : 'market' })}>
                <option value="market">Market</option>
                <option value="limit">Limit</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-tif`}>Time in force</label>
              <select id={`${id}-tif`} value={ticket.tif} onChange={(e) => updateTicket({ tif: e.target.value === 'ioc' ? 'ioc' : 'gtc' })}>
                <option value="gtc">GTC</option>
                <option value="ioc">IOC</option>
              </select>
            </div>
          </div>

          <div className="field">
            <label htmlFor={`${id}-qty`}>Quantity</label>
            <div className="input-affix">
              <input
                id={`${id}-qty`}
                ref={qtyRef}
                type="text"
                inputMode="decimal"
                spellCheck={false}
                placeholder={inst ? fmtNum(inst.lotSize, inst.qtyDecimals) : ''}
                value={ticket.qty}
                onChange={(e) => updateTicket({ qty: e.target.value })}
                onKeyDown={stepper('qty')}
                aria-invalid={touched && check.errors.some((m) => m.includes('uantity'))}
                aria-describedby={`${id}-spec`}
              />
              <span className="affix">{inst?.base ?? ''}</span>
            </div>
          </div>

          <div className="field">
            <label htmlFor={`${id}-px`}>Limit price</label>
            <div className="input-affix">
              <input
                id={`${id}-px`}
                type="text"
                inputMode="decimal"
                spellCheck={false}
                disabled={ticket.type !== 'limit'}
                placeholder={ticket.type === 'limit' ? fmtNum(quote?.last, pd).replace(/,/g, '') : 'Market'}
                value={ticket.type === 'limit' ? ticket.price : ''}
                onChange={(e) => updateTicket({ price: e.target.value })}
                onKeyDown={stepper('price')}
                aria-invalid={touched && check.errors.some((m) => m.includes('price'))}
              />
              <span className="affix">{inst?.quote ?? ''}</span>
            </div>
            <div className="px-shortcuts" role="group" aria-label="Price from the market">
              <button type="button" className="chip" onClick={() => setPriceFrom(quote?.bid)}>
                Bid
              </button>
              <button type="button" className="chip" onClick={() => setPriceFrom(mid)}>
                Mid
              </button>
              <button type="button" className="chip" onClick={() => setPriceFrom(quote?.ask)}>
                Ask
              </button>
            </div>
          </div>

          <dl className="ticket-spec" id={`${id}-spec`}>
            <div>
              <dt>Est. notional</dt>
              <dd className="mono">
                {check.notional !== null ? `${fmtMoney(check.notional)} ${inst?.quote ?? ''}` : '—'}
              </dd>
            </div>
            <div>
              <dt>Tick</dt>
              <dd className="mono">{inst ? fmtNum(inst.tickSize, inst.priceDecimals) : '—'}</dd>
            </div>
            <div>
              <dt>Lot</dt>
              <dd className="mono">{inst ? fmtNum(inst.lotSize, inst.qtyDecimals) : '—'}</dd>
            </div>
            <div>
              <dt>Min notional</dt>
              <dd className="mono">{inst ? `${fmtMoney(inst.minNotional)} ${inst.quote}` : '—'}</dd>
            </div>
            <div>
              <dt>Fee maker / taker</dt>
              <dd className="mono">{inst ? `${inst.makerFeeBps} / ${inst.takerFeeBps} bps` : '—'}</dd>
            </div>
            <div className="spec-wide">
              <dt>Position</dt>
              <dd className="mono">
                {position && position.qty !== 0 ? (
                  <>
                    <span className={position.qty > 0 ? 'long' : 'short'}>{fmtNum(position.qty, qd)}</span> {inst?.base} @ {fmtNum(position.avgPrice, pd)}{' '}
                    <span className={pnlClass(position.unrealizedPnl)}>{fmtSigned(position.unrealizedPnl)}</span>
                  </>
                ) : (
                  <span className="muted">flat</span>
                )}
              </dd>
            </div>
          </dl>
        </div>
        <div className="ticket-foot">
          {check.warnings.length > 0 && (
            <ul className="ticket-warnings" aria-live="polite">
              {check.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
          {showErrors && (
            <ul className="ticket-errors">
              {check.errors.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
          <OutcomeView outcome={outcome} />

          <button
            type="submit"
            className={`btn submit submit-${ticket.side}`}
            aria-label={`Submit order: ${summary}`}
            disabled={!connected}
            aria-busy={busy}
            title="Submit (Enter)"
          >
            {busy ? 'Sending…' : summary}
            <span className="submit-type">{ticket.type === 'limit' ? `LMT ${ticket.price || ''} ${ticket.tif.toUpperCase()}` : `MKT ${ticket.tif.toUpperCase()}`}</span>
          </button>
          <div className="ticket-keys muted">
            <kbd>Enter</kbd> submit · <kbd>Esc</kbd> clear · <kbd>↑</kbd>/<kbd>↓</kbd> step
          </div>
        </div>
      </form>
    </section>
  );
}

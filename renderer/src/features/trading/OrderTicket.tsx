import { Fragment, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { FormEvent, KeyboardEvent, ReactNode } from 'react';
import { ALGO_KINDS, RpcError, URGENCIES, isTerminal } from '../../../../src/contract/index.ts';
import type { ExecutionStyle, InstrumentDto, OrderDto, QuoteDto } from '../../../../src/contract/index.ts';
import { STYLE_LABEL, URGENCY_LABEL, checkAlgoParams, decisionMid, fmtDuration, horizonOf, isAlgo, placeParams, formStyle, routedStyle } from './exec.ts';
import type { AlgoCheck } from './exec.ts';
import { fmtMoney, fmtNum, fmtSigned, fmtTime, isNum, onStep, parseDecimal, pnlClass, roundToStep } from '../../shared/format.ts';
import { engineNow } from '../../shared/time.ts';
import { registerFocus } from '../../shared/focus.ts';
import { orderStatusText } from '../../shared/order-status.ts';
import { applyOrder, call, clearTicket, errorText, orderNotionalLimit, orders, selectSymbol, setOrderType, updateTicket, useStore } from '../../state/index.ts';
import { WhatIfView, useWhatIf, whatIfGate } from './WhatIf.tsx';
import type { HeldBreaches } from './WhatIf.tsx';
import type { TicketState } from '../../state/index.ts';
import { AlgoParams } from './AlgoParams.tsx';
import { SchedulePreview, usePreview } from './SchedulePreview.tsx';

interface Check {
  /** Blocking: the form is malformed and is not sent. */
  errors: string[];
  /** Advisory: the engine will most likely deny it, but the engine decides. */
  warnings: string[];
  qty: number | null;
  price: number | null;
  notional: number | null;
  algo: AlgoCheck;
}

export function checkTicket(
  t: TicketState,
  inst: InstrumentDto | undefined,
  quote: QuoteDto | undefined,
  /** The order-notional limit in force for the symbol (hard, and soft when set). */
  notionalLimit: { hard: number; soft: number | null } | null,
  style: ExecutionStyle = t.type,
): Check {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!inst) errors.push('Choose a symbol.');
  const qty = t.qty.trim() === '' ? null : parseDecimal(t.qty);
  if (t.qty.trim() === '') errors.push('Enter a quantity.');
  else if (qty === null || qty <= 0) errors.push('Quantity must be a positive number.');
  let price: number | null = null;
  if (style === 'limit') {
    price = t.price.trim() === '' ? null : parseDecimal(t.price);
    if (t.price.trim() === '') errors.push('Enter a limit price.');
    else if (price === null || price <= 0) errors.push('Limit price must be a positive number.');
  } else if (isAlgo(style) && t.price.trim() !== '') {
    price = parseDecimal(t.price);
    if (price === null || price <= 0) errors.push('Price cap must be a positive number (or empty for no cap).');
  }
  const algo = checkAlgoParams(t, style);
  errors.push(...algo.errors);
  const touch = t.side === 'buy' ? (quote?.ask ?? quote?.last ?? null) : (quote?.bid ?? quote?.last ?? null);
  const ref = price ?? (style === 'limit' ? null : touch);
  const notional = qty !== null && qty > 0 && isNum(ref) ? qty * ref : null;
  if (inst) {
    if (!inst.tradable) warnings.push(`${inst.symbol} is not tradable right now.`);
    if (qty !== null && qty > 0 && !onStep(qty, inst.lotSize)) warnings.push(`Quantity is not a multiple of the lot size ${fmtNum(inst.lotSize, inst.qtyDecimals)}.`);
    if (price !== null && price > 0 && !onStep(price, inst.tickSize)) warnings.push(`Price is not on the tick size ${fmtNum(inst.tickSize, inst.priceDecimals)}.`);
    if (notional !== null && notional < inst.minNotional) warnings.push(`Notional is below the minimum of ${fmtMoney(inst.minNotional)} ${inst.quote}.`);
    if (notional !== null && notionalLimit && notional > notionalLimit.hard) warnings.push(`Notional is above the order limit of ${fmtMoney(notionalLimit.hard, 0)}.`);
  }
  return { errors, warnings, qty, price, notional, algo };
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
  const ex = o?.execution ?? null;
  return (
    <div className="ticket-outcome placed" role="status">
      <div className="outcome-head">
        Order <span className="mono">{outcome.orderId}</span>{' '}
        {o && (
          <span className="muted">
            {o.side === 'buy' ? 'BUY' : 'SELL'} {fmtNum(o.qty, inst?.qtyDecimals)} {o.symbol}
          </span>
        )}{' '}
        {ex && <span className="algo-tag">{STYLE_LABEL[ex.algo] ?? ex.algo}</span>}
        {o && <span className={`status st-${o.status}`}>{orderStatusText(o)}</span>}
        {ex?.paused && o && !isTerminal(o.status) && <span className="status st-PAUSED">PAUSED</span>}
      </div>
      {o && o.filledQty > 0 && (
        <div className="outcome-msg">
          Filled {fmtNum(o.filledQty, inst?.qtyDecimals)}
          {ex ? ` of ${fmtNum(o.qty, inst?.qtyDecimals)}` : ''} @ {fmtNum(o.avgPrice, inst?.priceDecimals)}
        </div>
      )}
      {ex && (
        <div className="outcome-msg muted">
          {ex.childCount} child order{ex.childCount === 1 ? '' : 's'} · until {fmtTime(ex.endAt)}
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

// ---------------------------------------------------------------------------------------------

export function OrderTicket(): ReactNode {
  const symbols = useStore((s) => s.symbols);
  const selected = useStore((s) => s.selected);
  const inst = useStore((s) => (s.selected ? s.instruments[s.selected] : undefined));
  const quote = useStore((s) => (s.selected ? s.quotes[s.selected] : undefined));
  const riskLimits = useStore((s) => s.riskLimits);
  const notionalLimit = useMemo(() => orderNotionalLimit(riskLimits, selected), [riskLimits, selected]);
  const position = useStore((s) => (s.selected ? s.positions[s.selected] : undefined));
  const ticket = useStore((s) => s.ticket);
  const routing = useStore((s) => s.routing);
  const focusReq = useStore((s) => s.ticketFocus);
  const connected = useStore((s) => s.conn.phase === 'open');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const qtyRef = useRef<HTMLInputElement | null>(null);
  const sectionRef = useRef<HTMLElement | null>(null);
  const id = useId();

  // Focus on a new request only: a ticket mounting again (screen switch) must not take the focus.
  const focusSeen = useRef(focusReq);
  useEffect(() => {
    if (focusReq !== focusSeen.current) {
      focusSeen.current = focusReq;
      qtyRef.current?.focus();
      qtyRef.current?.select();
    }
  }, [focusReq]);

  const style = formStyle(ticket, routing);
  const routed = routedStyle(ticket, routing);
  const algoMode = isAlgo(style);
  const check = checkTicket(ticket, inst, quote, notionalLimit, style);
  const qd = inst?.qtyDecimals;
  const pd = inst?.priceDecimals;
  const sideLabel = ticket.side === 'buy' ? 'Buy' : 'Sell';
  const summary = `${sideLabel} ${check.qty !== null && check.qty > 0 ? fmtNum(check.qty, qd) : ''} ${selected ?? ''}`.replace(/\s+/g, ' ').trim();

  // The preview asks for what would be sent (without the decision price, which is taken at submit).
  const previewParams =
    selected && check.errors.length === 0 && check.qty !== null ? placeParams(ticket, style, check.algo, { symbol: selected, qty: check.qty, price: check.price }) : null;
  const preview = usePreview(previewParams, connected);
  const plan = preview.status === 'ready' ? preview.plan : preview.status === 'loading' ? preview.plan : null;

  // L1's what-if for exactly these parameters; a soft breach must be confirmed, a hard one blocks.
  const riskKey = previewParams ? JSON.stringify(previewParams) : '';
  const whatIf = useWhatIf(previewParams, connected);
  const [held, setHeld] = useState<HeldBreaches | null>(null);
  const [confirmedKey, setConfirmedKey] = useState<string | null>(null);
  const confirmRef = useRef<HTMLInputElement | null>(null);
  const gate = whatIfGate(whatIf, riskKey, held);
  const confirmed = gate.needsConfirm && confirmedKey === riskKey;
  useEffect(() => {
    // Any change to the order withdraws the confirmation: it was given for other numbers.
    setConfirmedKey((k) => (k === riskKey ? k : null));
  }, [riskKey]);

  // A new input withdraws the verdict on the old one: an error, a denial or a validation message
  // stays only until the trader changes the order (a placed order keeps being followed).
  const ticketKey = JSON.stringify(ticket);
  const shownFor = useRef(ticketKey);
  useEffect(() => {
    if (shownFor.current === ticketKey) return;
    shownFor.current = ticketKey;
    setOutcome((o) => (o && o.kind !== 'placed' ? null : o));
  }, [ticketKey]);
  // A limit order without a (valid) price is not sent at all; the what-if says why.
  const limitWithoutPrice = style === 'limit' && check.price === null;

  const submit = async (): Promise<void> => {
    if (busy) return;
    setTouched(true);
    if (check.errors.length || !selected || check.qty === null) {
      setOutcome({ kind: 'invalid', messages: check.errors });
      return;
    }
    if (gate.denied) {
      setOutcome({ kind: 'invalid', messages: [`L1 would deny this order: ${gate.denied.code} — ${gate.denied.message}`] });
      return;
    }
    if (gate.needsConfirm && !confirmed) {
      // Enter from a field lands on the confirmation: Space ticks it, Enter sends.
      confirmRef.current?.focus();
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const params = placeParams(ticket, style, check.algo, {
        symbol: selected,
        qty: check.qty,
        price: check.price,
        decisionPrice: decisionMid(quote?.bid, quote?.ask, pd),
        // In the engine's clock, like the quote it was decided on.
        decisionTs: engineNow(),
      });
      if (confirmed) params.confirm = true;
      const order = await call('orders.place', params);
      setConfirmedKey(null);
      setHeld(null);
      applyOrder(order);
      if (order.status === 'DENIED') {
        setOutcome({ kind: 'denied', orderId: order.id, code: order.reason?.code ?? 'DENIED', message: order.reason?.message ?? 'The order was refused.' });
      } else {
        setOutcome({ kind: 'placed', orderId: order.id });
      }
    } catch (err) {
      if (err instanceof RpcError && err.code === 'RISK_CONFIRM_REQUIRED') {
        // The engine saw soft breaches the what-if had not shown yet: hold and ask.
        setHeld({ key: riskKey, message: err.message, breaches: (err.issues ?? []).map((i) => ({ code: i.path, message: i.message })) });
        setConfirmedKey(null);
        requestAnimationFrame(() => confirmRef.current?.focus());
      } else {
        const e = errorText(err);
        setOutcome({ kind: 'error', code: e.code, message: e.message });
      }
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
    setHeld(null);
    setConfirmedKey(null);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>): void => {
    const target = e.target as HTMLElement;
    if (e.key === 'Enter' && !e.altKey && !e.ctrlKey && !e.metaKey) {
      // Buttons (and the slice list's disclosure) handle Enter themselves.
      if (target.tagName === 'BUTTON' || target.tagName === 'SUMMARY') return;
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
    const price = roundToStep(p, inst.tickSize, inst.priceDecimals);
    // For an algorithm the price is its cap; a direct market order becomes a limit order.
    if (algoMode) updateTicket({ price });
    else {
      setOrderType('limit');
      updateTicket({ price });
    }
  };
  const mid = isNum(quote?.bid) && isNum(quote?.ask) ? ((quote.bid as number) + (quote.ask as number)) / 2 : null;

  const showErrors = touched && check.errors.length > 0 && outcome?.kind !== 'invalid';
  const priceEnabled = style === 'limit' || algoMode;
  const priceLabel = algoMode ? 'Price cap' : 'Limit price';
  const horizon = horizonOf(ticket.urgency, routing);
  const routeText =
    routed === null
      ? `${URGENCY_LABEL[ticket.urgency]} urgency → routing loading…`
      : `${URGENCY_LABEL[ticket.urgency]} urgency → ${STYLE_LABEL[routed]}${isAlgo(routed) && horizon !== null && horizon > 0 ? ` over ~${fmtDuration(horizon)}` : ''}`;
  const durText = plan && plan.algo === style && isAlgo(style) ? fmtDuration((plan.endAt - plan.startAt) / 1000) : null;
  const subLabel = algoMode
    ? `${STYLE_LABEL[style].toUpperCase()}${durText ? ` ${durText}` : ''}${plan?.algo === style && plan.schedule.length ? ` · ${plan.schedule.length} slices` : ''}${check.price !== null ? ` · cap ${ticket.price}` : ''}`
    : style === 'limit'
      ? `LMT ${ticket.price || ''} ${ticket.tif.toUpperCase()}`
      : `MKT ${ticket.tif.toUpperCase()}`;

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
              <label htmlFor={`${id}-urg`}>Urgency</label>
              <select
                id={`${id}-urg`}
                value={ticket.urgency}
                onChange={(e) => updateTicket({ urgency: URGENCIES.find((u) => u === e.target.value) ?? 'immediate' })}
                title="Alt+U cycles"
              >
                {URGENCIES.map((u) => (
                  <option key={u} value={u}>
                    {URGENCY_LABEL[u]}
                  </option>
                ))}
              </select>
            </div>
            <div className="field field-wide">
              <label htmlFor={`${id}-algo`}>Algorithm</label>
              <select
                id={`${id}-algo`}
                value={ticket.algo}
                aria-describedby={`${id}-route`}
                onChange={(e) => {
                  const v = e.target.value;
                  const algo: TicketState['algo'] = v === 'market' || v === 'limit' ? v : (ALGO_KINDS.find((a) => a === v) ?? 'auto');
                  const patch: Partial<TicketState> = algo === 'market' || algo === 'limit' ? { algo, type: algo } : { algo };
                  // The price field is a limit price for a direct order and a cap for an algorithm: a
                  // price typed as one is not silently kept as the other (a 3000 limit became a TWAP's
                  // cap 5% under the market, and the TWAP never filled).
                  const toAlgo = isAlgo(formStyle({ ...ticket, ...patch }, routing));
                  updateTicket(toAlgo !== algoMode && ticket.price.trim() !== '' ? { ...patch, price: '' } : patch);
                }}
              >
                <option value="auto" title="Auto: the algorithm the order's urgency routes to">Auto{routed !== null ? `: ${STYLE_LABEL[routed]}` : ''}</option>
                <optgroup label="Direct">
                  <option value="market">Market</option>
                  <option value="limit">Limit</option>
                </optgroup>
                <optgroup label="Algorithms">
                  {ALGO_KINDS.map((a) => (
                    <option key={a} value={a}>
                      {STYLE_LABEL[a]}
                    </option>
                  ))}
                </optgroup>
              </select>
            </div>
          </div>
          <div className={`route-hint ${ticket.algo === 'auto' ? '' : 'override'}`} id={`${id}-route`}>
            {ticket.algo === 'auto' ? (
              <>
                <span className="muted">Auto:</span> {routeText}
              </>
            ) : (
              <>
                <span className="muted">Override:</span> {STYLE_LABEL[ticket.algo]} {routed !== null && <span className="muted">(routing would pick {STYLE_LABEL[routed]})</span>}{' '}
                <button type="button" className="link-btn" onClick={() => updateTicket({ algo: 'auto' })}>
                  Auto
                </button>
              </>
            )}
          </div>

          {!algoMode && (
            <div className="field-row">
              <div className="field">
                <label htmlFor={`${id}-type`}>Order type</label>
                <select id={`${id}-type`} value={style === 'limit' ? 'limit' : 'market'} onChange={(e) => setOrderType(e.target.value === 'limit' ? 'limit' : 'market')}>
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
          )}

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
            <label htmlFor={`${id}-px`}>{priceLabel}</label>
            <div className="input-affix">
              <input
                id={`${id}-px`}
                type="text"
                inputMode="decimal"
                spellCheck={false}
                disabled={!priceEnabled}
                placeholder={algoMode ? 'No cap' : style === 'limit' ? fmtNum(quote?.last, pd).replace(/,/g, '') : 'Market'}
                value={priceEnabled ? ticket.price : ''}
                onChange={(e) => updateTicket({ price: e.target.value })}
                onKeyDown={stepper('price')}
                aria-invalid={touched && check.errors.some((m) => m.includes('rice'))}
                aria-describedby={algoMode ? `${id}-cap` : undefined}
              />
              <span className="affix">{inst?.quote ?? ''}</span>
            </div>
            {algoMode && (
              <div className="field-note muted" id={`${id}-cap`}>
                {ticket.side === 'buy' ? 'Never buys above it' : 'Never sells below it'}; empty for no cap.
              </div>
            )}
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

          <AlgoParams style={style} ticket={ticket} inst={inst} plan={plan} routing={routing} touched={touched} errors={check.errors} />

          <WhatIfView whatIf={whatIf} riskKey={riskKey} inst={inst} blocked={check.errors[0] ?? null} />

          <SchedulePreview preview={preview} inst={inst} style={style} />

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

          {gate.denied && (
            <div className="risk-gate risk-deny" id={`${id}-gate`}>
              <span className="verdict v-deny">L1 DENY</span> <strong className="mono">{gate.denied.code}</strong> {gate.denied.message}
            </div>
          )}
          {gate.needsConfirm && (
            <div className="risk-gate risk-soft" id={`${id}-gate`}>
              <label className="confirm-check">
                <input
                  ref={confirmRef}
                  type="checkbox"
                  checked={confirmed}
                  onChange={(e) => setConfirmedKey(e.target.checked ? riskKey : null)}
                  aria-describedby={`${id}-gate-msg`}
                />
                <span>
                  I confirm the soft limit breach{gate.breaches.length === 1 ? '' : 'es'}:{' '}
                  {gate.breaches.map((b, i) => (
                    <Fragment key={b.code}>
                      {i > 0 && ', '}
                      <strong className="mono">{b.code}</strong>
                    </Fragment>
                  ))}
                </span>
              </label>
              <div className="risk-gate-msg" id={`${id}-gate-msg`}>
                {gate.breaches.map((b) => b.message).join(' · ')}
              </div>
            </div>
          )}

          <button
            type="submit"
            className={`btn submit submit-${ticket.side} ${gate.needsConfirm ? 'submit-confirm' : ''}`}
            aria-label={`Submit order${gate.needsConfirm ? ' with confirmation' : ''}: ${summary}${algoMode ? ` by ${STYLE_LABEL[style]}` : ''}`}
            aria-describedby={gate.denied || gate.needsConfirm ? `${id}-gate` : undefined}
            disabled={!connected || limitWithoutPrice || Boolean(gate.denied) || (gate.needsConfirm && !confirmed)}
            aria-busy={busy}
            title={limitWithoutPrice ? 'A limit order needs a limit price' : gate.denied ? `L1 would deny it: ${gate.denied.code}` : gate.needsConfirm ? 'Tick the confirmation first, then Enter' : 'Submit (Enter)'}
          >
            {busy ? 'Sending…' : gate.needsConfirm ? `Confirm and send · ${summary}` : summary}
            <span className="submit-type">{subLabel}</span>
          </button>
          <div className="ticket-keys muted">
            <kbd>Enter</kbd> submit · <kbd>Esc</kbd> clear · <kbd>↑</kbd>/<kbd>↓</kbd> step · <kbd>Alt+U</kbd> urgency
          </div>
        </div>
      </form>
    </section>
  );
}

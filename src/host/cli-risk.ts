import { Command, InvalidArgumentError, Option } from 'commander';
import type { ParamsIn } from '../contract/api.ts';
import type { Urgency } from '../contract/dto.ts';
import { URGENCIES } from '../contract/dto.ts';
import { RpcError } from '../contract/errors.ts';
import type {
  BreakerEventDto,
  BreakerStatusDto,
  LimitRowDto,
  LimitsDto,
  RiskCheckDto,
  RiskMetricsDto,
  RiskStatusDto,
  StateCauseDto,
  StressDto,
  TradingModeDto,
  TradingStateDto,
  WhatIfDto,
} from '../contract/risk-dto.ts';
import type { CliContext } from './cli-common.ts';
import { CliExit, EXIT, EXIT_CODES_HELP, fields, intArg, isoTime, shellWord, table } from './cli-common.ts';

/** `strata risk …`: L1 limits, trading state, kill switch, breakers, and the PMS's flags, metrics and stress. */

// ---------------------------------------------------------------------------------------------
// Number formatting for people (the --json output keeps the DTO's numbers untouched).

const grouped = (n: number, digits: number) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const money = (n: number | null) => (n === null ? null : grouped(n, 2));
/** A fraction as a percentage. */
const pct = (f: number | null, digits = 2) => (f === null ? null : `${(f * 100).toFixed(digits)}%`);
const ratio = (n: number | null) => (n === null ? null : n.toFixed(3));
const signedPct = (f: number) => `${f >= 0 ? '+' : ''}${(f * 100).toFixed(2)}%`;

function unitValue(n: number | null, unit: LimitRowDto['unit']): string | null {
  if (n === null) return null;
  switch (unit) {
    case 'money':
      return n.toFixed(2);
    case 'qty':
      return String(Number(n.toFixed(8)));
    case 'pct':
    case 'bps':
      return n.toFixed(2);
    case 'ratio':
      return n.toFixed(3);
    case 'count':
    case 'ticks':
      return String(Math.round(n));
  }
}

const UNIT_LABEL: Record<LimitRowDto['unit'], string> = { money: 'ccy', qty: 'qty', pct: '%', bps: 'bps', ratio: 'x', count: 'count', ticks: 'ticks' };

/** Which level the current value is beyond, if any, for the STATE column. */
function limitState(r: LimitRowDto): string {
  if (r.used === null) return '';
  const beyond = (level: string) => (r.direction === 'max' ? r.used! > Number(level) : r.used! < Number(level));
  if (beyond(r.hard)) return 'HARD';
  if (r.soft !== null && beyond(r.soft)) return 'soft';
  return 'ok';
}

const scopeOf = (o: { symbol?: string; group?: string }) => (o.symbol !== undefined ? `symbol:${o.symbol}` : o.group !== undefined ? `group:${o.group}` : 'global');

function limitsTable(rows: LimitRowDto[]): string {
  return table(
    ['NAME', 'SCOPE', 'UNIT', 'SOFT', 'HARD', 'USED', 'USAGE', 'STATE'],
    rows.map((r) => [r.name, r.scope, UNIT_LABEL[r.unit] + (r.direction === 'min' ? ' (min)' : ''), r.soft, r.hard, unitValue(r.used, r.unit), pct(r.usage, 1), limitState(r) || null]),
    [undefined, undefined, undefined, 'r', 'r', 'r', 'r', undefined],
  );
}

function groupsText(groups: Record<string, string[]>): string {
  const names = Object.keys(groups).sort();
  if (names.length === 0) return 'groups: none';
  const w = Math.max(...names.map((n) => n.length));
  return ['groups:', ...names.map((n) => `  ${n.padEnd(w)}  ${groups[n]!.join(', ')}`)].join('\n');
}

const causeText = (c: StateCauseDto | null) => (c === null ? null : `${c.code} (${c.source}${c.actor && c.actor !== c.source ? ', ' + c.actor : ''}): ${c.message}`);

function breakersTable(bs: BreakerStatusDto[]): string {
  if (bs.length === 0) return 'no circuit breakers';
  return table(
    ['BREAKER', 'ENABLED', 'TRIPPED', 'SINCE', 'THRESHOLDS', 'BLOCKED SYMBOLS'],
    bs.map((b) => [
      b.breaker,
      b.enabled ? 'yes' : 'no',
      b.tripped ? 'TRIPPED' : 'no',
      isoTime(b.since),
      Object.entries(b.thresholds).map(([k, v]) => `${k}=${v}`).join(' ') || null,
      b.symbols && b.symbols.length > 0 ? b.symbols.map((s) => `${s.symbol} until ${isoTime(s.until)}`).join(', ') : null,
    ]),
  );
}

function breakerLogTable(log: BreakerEventDto[]): string {
  if (log.length === 0) return 'no breaker trips or resets';
  return table(
    ['TIME', 'BREAKER', 'TYPE', 'CODE', 'SYMBOL', 'ACTION', 'CAUSE'],
    log.map((e) => [isoTime(e.at), e.breaker, e.type, e.code, e.symbol ?? null, e.action, e.cause]),
  );
}

function checkText(c: RiskCheckDto): string {
  const head = `verdict: ${c.verdict.toUpperCase()}${c.code ? ' ' + c.code : ''}${c.message ? ' - ' + c.message : ''}`;
  const lines = [head, `tier ${c.tier}, volatility ${c.volRegime}${c.volRatio === null ? '' : ` (x${c.volRatio.toFixed(2)})`}${c.reducing ? ', reduces a position' : ''}${c.confirmable ? ', confirmable with --confirm (manual)' : ''}`];
  if (c.breaches.length > 0) {
    lines.push(
      table(
        ['LEVEL', 'CODE', 'CHECK', 'SCOPE', 'OBSERVED', 'THRESHOLD', 'MESSAGE'],
        c.breaches.map((b) => [b.level, b.code, b.check, b.scope, b.observed, b.threshold, b.message]),
        [undefined, undefined, undefined, undefined, 'r', 'r', undefined],
      ),
    );
  }
  if (c.deferred.length > 0) lines.push(`deferred to child orders: ${c.deferred.join(', ')}`);
  return lines.join('\n');
}

function metricsText(m: RiskMetricsDto): string {
  const dd = m.drawdown;
  const parts = [
    fields([
      ['as of', isoTime(m.ts)],
      ['NAV', money(m.nav)],
      ['cash', money(m.cash)],
      ['realized P&L', money(m.realizedPnl)],
      ['unrealized P&L', money(m.unrealizedPnl)],
      ['P&L today', m.dailyPnl === null ? null : `${money(m.dailyPnl)}${m.dailyPnlPct === null ? '' : ` (${signedPct(m.dailyPnlPct)})`}`],
      ['gross exposure', money(m.grossExposure)],
      ['net exposure', money(m.netExposure)],
      ['long / short', `${money(m.longExposure)} / ${money(m.shortExposure)}`],
      ['leverage', ratio(m.leverage)],
      ['drawdown', `${pct(dd.current)} now, ${pct(dd.max)} max; day ${pct(dd.day) ?? '-'}, week ${pct(dd.week) ?? '-'}, month ${pct(dd.month) ?? '-'}`],
      ['regime', m.regime],
      ['correlation', m.correlation.average === null ? null : `average ${m.correlation.average.toFixed(2)}${m.correlation.baseline === null ? '' : ` (baseline ${m.correlation.baseline.toFixed(2)})`}`],
    ]),
    '',
    m.var.length === 0
      ? 'VaR: not enough returns yet'
      : table(
          ['VAR (1 DAY)', 'CONF', 'VAR', 'ES', 'VAR % NAV'],
          [...m.var]
            .sort((a, b) => a.method.localeCompare(b.method) || a.confidence - b.confidence)
            .map((v) => [v.method, pct(v.confidence, 0), money(v.var), money(v.es), pct(v.varPctNav)]),
          [undefined, 'r', 'r', 'r', 'r'],
        ),
    `(VaR basis: ${m.varBasis.interval} returns, ${m.varBasis.samples} samples, ${m.varBasis.scaling}; positive = loss)`,
  ];
  if (m.exposures.length > 0) {
    parts.push(
      '',
      table(
        ['SYMBOL', 'QTY', 'VALUE', '% NAV', 'VOL (ANN.)', 'VOL PCTL', 'REGIME'],
        m.exposures.map((e) => [e.symbol, e.qty, money(e.marketValue), pct(e.shareOfNav), pct(e.ewmaVol, 1), e.volPercentile === null ? null : Math.round(e.volPercentile * 100), e.regime]),
        [undefined, 'r', 'r', 'r', 'r', 'r', undefined],
      ),
    );
  }
  return parts.join('\n');
}

function stressText(s: StressDto): string {
  const parts = [`NAV ${money(s.nav)} as of ${isoTime(s.ts)}`];
  parts.push('', 'historical (worst move of each holding over its loaded history, applied to the position now):');
  parts.push(
    s.historical.length === 0
      ? '  none (no positions, or no history loaded)'
      : table(
          ['SYMBOL', 'POSITION', 'HORIZON', 'WORST MOVE', 'FROM', 'TO', 'P&L', 'SOURCE'],
          s.historical.map((h) => [h.symbol, h.position, `${h.horizonDays}d`, signedPct(h.worstMove), isoTime(h.from)?.slice(0, 10) ?? null, isoTime(h.to)?.slice(0, 10) ?? null, money(h.pnl), h.source]),
          [undefined, 'r', 'r', 'r', undefined, undefined, 'r', undefined],
        ),
  );
  parts.push('', 'scenarios:');
  parts.push(
    s.scenarios.length === 0
      ? '  none'
      : table(
          ['SCENARIO', 'P&L', '% NAV'],
          s.scenarios.map((c) => [c.name, money(c.pnl), pct(c.pnlPctNav)]),
          [undefined, 'r', 'r'],
        ),
  );
  parts.push('', 'reverse stress (the uniform move that loses this much):');
  parts.push(
    s.reverse.length === 0
      ? '  none'
      : table(
          ['LOSS % NAV', 'LOSS', 'UNIFORM MOVE', 'FEASIBLE'],
          s.reverse.map((r) => [pct(r.lossFraction, 1), money(r.loss), r.uniformMove === null ? null : signedPct(r.uniformMove), r.feasible ? 'yes' : 'no']),
          ['r', 'r', 'r', undefined],
        ),
  );
  if (s.missingHistory.length > 0) parts.push('', `no daily history loaded for: ${s.missingHistory.join(', ')}`);
  return parts.join('\n');
}

function parseMode(v: string): TradingModeDto {
  const m = v.toUpperCase();
  if (m === 'ACTIVE' || m === 'REDUCING' || m === 'HALTED') return m;
  throw new InvalidArgumentError('the mode is one of active, reducing, halted');
}

function percentArg(v: string): number {
  const n = Number(v.replace(/%$/, ''));
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`"${v}" is not a percentage`);
  return n;
}

/** Variadic percentages: commander hands each value in turn. */
const percents = (v: string, prev: number[] | undefined) => [...(prev ?? []), percentArg(v)];

/** The detailed code a refusal carries in issues[0].path (LIMIT_REJECTED, STATE_REJECTED). */
export const detailCode = (e: RpcError) => e.issues?.[0]?.path;

/** `LIMIT_REJECTED SOFT_ABOVE_HARD: …`, without repeating the detailed code when the message starts with it. */
export function refusalText(e: RpcError): string {
  const detail = detailCode(e);
  if (detail === undefined) return `${e.code}: ${e.message}`;
  const msg = e.message.startsWith(`${detail}: `) ? e.message.slice(detail.length + 2) : e.message;
  return `${e.code} ${detail}: ${msg}`;
}

const limitKey = (name: string) => name.trim().toLowerCase().replace(/-/g, '_');

// ---------------------------------------------------------------------------------------------

export function registerRiskCommands(program: Command, ctx: CliContext): void {
  const { call, print } = ctx;

  const risk = program
    .command('risk')
    .description('L1 risk: limits, trading state, kill switch, circuit breakers; PMS flags, metrics, stress')
    .addHelpText('after', EXIT_CODES_HELP);

  // ---- limits ----------------------------------------------------------------------------
  const limits = risk.command('limits').description('limits with their use, and changes to them (`strata risk limits` lists)');
  // Listing is a default subcommand rather than an action of `limits` itself: an option of
  // `limits` would take the --json of `limits audit --json` (commander parses parent options anywhere).
  limits
    .command('list', { isDefault: true })
    .description('soft and hard levels, current use and usage % of every limit, and the groups')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const l = await call('risk.limits.get', {});
      print(!!o.json, l, () => `${limitsTable(l.limits)}\n\n${groupsText(l.groups)}`);
    });

  const scopeOptions = (c: Command) =>
    c
      .addOption(new Option('--symbol <s>', 'per-instrument limit').conflicts('group'))
      .addOption(new Option('--group <g>', 'per-group limit (see the groups under `strata risk limits`)').conflicts('symbol'));

  const changedRows = (l: LimitsDto, name: string, scope: string) => l.limits.filter((r) => r.name === limitKey(name) && r.scope === scope);

  const refused = (err: unknown): never => {
    if (err instanceof RpcError && err.code === 'LIMIT_REJECTED') {
      throw new CliExit(EXIT.failed, refusalText(err));
    }
    throw err;
  };

  scopeOptions(
    limits
      .command('set <name> [value]')
      .description('set a limit\'s hard level (VALUE or --hard) and/or its soft level; refused changes exit 1 with their code')
      .option('--hard <v>', 'hard level (same as VALUE)')
      .option('--soft <v>', 'soft level, or "none" to remove it'),
  )
    .option('--reason <text>', 'why (kept in the audit log)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  strata risk limits set max_order_notional 200000 --soft 50000 --reason "new desk size"\n  strata risk limits set max_order_qty 3 --symbol BTC/USDT\n  strata risk limits set max_leverage --soft none')
    .action(async (name: string, value: string | undefined, o: { hard?: string; soft?: string; symbol?: string; group?: string; reason?: string; json?: boolean }) => {
      if (value !== undefined && o.hard !== undefined && value !== o.hard) throw new CliExit(EXIT.usage, 'give the hard level once: as VALUE or as --hard');
      const hard = value ?? o.hard;
      if (hard === undefined && o.soft === undefined) throw new CliExit(EXIT.usage, 'give a hard level (VALUE or --hard), a soft level (--soft), or both');
      const params: ParamsIn<'risk.limits.set'> = { name };
      if (hard !== undefined) params.hard = hard;
      if (o.soft !== undefined) params.soft = o.soft;
      if (o.symbol !== undefined) params.symbol = o.symbol;
      if (o.group !== undefined) params.group = o.group;
      if (o.reason !== undefined) params.reason = o.reason;
      const l = await call('risk.limits.set', params).catch(refused);
      const scope = scopeOf(o);
      print(!!o.json, l, () => {
        const rows = changedRows(l, name, scope);
        return rows.length > 0 ? `set ${name} (${scope})\n${limitsTable(rows)}` : `set ${name} (${scope})`;
      });
    });

  scopeOptions(limits.command('unset <name>').description('remove a limit at one scope (a symbol or group override falls back to the global level)'))
    .option('--reason <text>', 'why (kept in the audit log)')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { symbol?: string; group?: string; reason?: string; json?: boolean }) => {
      const params: ParamsIn<'risk.limits.unset'> = { name };
      if (o.symbol !== undefined) params.symbol = o.symbol;
      if (o.group !== undefined) params.group = o.group;
      if (o.reason !== undefined) params.reason = o.reason;
      const l = await call('risk.limits.unset', params).catch(refused);
      const scope = scopeOf(o);
      print(!!o.json, l, () => {
        const left = l.limits.filter((r) => r.name === limitKey(name));
        return `removed ${name} (${scope})${left.length > 0 ? `; still set:\n${limitsTable(left)}` : ''}`;
      });
    });

  limits
    .command('audit')
    .description('who changed which limit, when and why, newest first')
    .option('--limit <n>', 'how many', intArg('limit', 1, 10000), 100)
    .option('--json', 'print JSON')
    .action(async (o: { limit: number; json?: boolean }) => {
      const log = await call('risk.limits.audit', { limit: o.limit });
      print(!!o.json, log, () =>
        log.length === 0
          ? 'no limit changes recorded'
          : table(
              ['SEQ', 'TIME', 'ACTOR', 'SOURCE', 'NAME', 'SCOPE', 'BEFORE', 'AFTER', 'REASON'],
              log.map((a) => [a.seq, isoTime(a.at), a.actor, a.source, a.name, a.scope, a.before, a.after, a.reason]),
              ['r', undefined, undefined, undefined, undefined, undefined, 'r', 'r', undefined],
            ),
      );
    });

  // ---- trading state ---------------------------------------------------------------------
  const resumeHint = (token: string) => `${ctx.self()} risk state active --confirm ${shellWord(token)}`;

  const stateRows = (s: TradingStateDto): [string, string | null][] => [
    ['mode', s.mode],
    ['since', isoTime(s.since)],
    ['cause', causeText(s.cause)],
    ['resume token', s.resumeToken],
    ...(s.resumeToken ? ([['to resume', resumeHint(s.resumeToken)]] as [string, string][]) : []),
    ...(s.killSwitchCheck
      ? ([
          [
            'kill switch cancels',
            s.killSwitchCheck.status === 'unconfirmed'
              ? `UNCONFIRMED (${s.killSwitchCheck.pending.join(', ')}) after ${s.killSwitchCheck.rounds} checks`
              : `${s.killSwitchCheck.status} (${s.killSwitchCheck.rounds} check(s))`,
          ],
        ] as [string, string][])
      : []),
  ];
  const stateText = (s: TradingStateDto) => fields(stateRows(s));

  const statusText = (st: RiskStatusDto) => {
    const loss = st.loss;
    const rows = stateRows(st.state);
    if (loss) {
      rows.push(
        ['equity', money(loss.equity)],
        ['P&L today', `${money(loss.dayPnl)} (day start ${money(loss.dayStartEquity)})`],
        ['drawdown', `day ${loss.drawdownPct.daily.toFixed(2)}%, week ${loss.drawdownPct.weekly.toFixed(2)}%, month ${loss.drawdownPct.monthly.toFixed(2)}%`],
      );
    }
    const parts = [fields(rows), '', breakersTable(st.breakers)];
    if (st.blocked.length > 0) parts.push('', `blocked: ${st.blocked.map((b) => `${b.symbol} (${b.cause})`).join(', ')}`);
    return parts.join('\n');
  };

  risk
    .command('state [mode]')
    .description('show the trading state (mode, since, cause, resume token, breakers), or set it: active | reducing | halted')
    .option('--reason <text>', 'why (kept in the state log)')
    .option('--confirm <token>', 'the resume token a loosening change must quote (shown by `strata risk state`)')
    .option('--log', 'print the log of state changes instead')
    .option('--limit <n>', 'how many log entries', intArg('limit', 1, 10000), 50)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nTightening (to reducing or halted) takes effect at once. Resuming (halted → reducing/active,\nreducing → active) must quote the current resume token; without it the command prints the\ntoken and the exact command, and exits 3.',
    )
    .action(async (modeArg: string | undefined, o: { reason?: string; confirm?: string; log?: boolean; limit: number; json?: boolean }) => {
      if (o.log) {
        if (modeArg !== undefined) throw new CliExit(EXIT.usage, '--log takes no mode');
        const log = await call('risk.state.log', { limit: o.limit });
        print(!!o.json, log, () =>
          log.length === 0
            ? 'no state changes recorded'
            : table(
                ['SEQ', 'TIME', 'FROM', 'TO', 'KILL', 'CAUSE'],
                log.map((t) => [t.seq, isoTime(t.at), t.from, t.to, t.killSwitch ? 'yes' : null, causeText(t.cause)]),
              ),
        );
        return;
      }
      if (modeArg === undefined) {
        if (o.confirm !== undefined || o.reason !== undefined) throw new CliExit(EXIT.usage, '--confirm and --reason go with a mode: strata risk state active|reducing|halted');
        const st = await call('risk.status', {});
        print(!!o.json, st, () => statusText(st));
        return;
      }
      let mode: TradingModeDto;
      try {
        mode = parseMode(modeArg);
      } catch (e) {
        throw new CliExit(EXIT.usage, e instanceof Error ? e.message : String(e));
      }
      const params: ParamsIn<'risk.state.set'> = { mode };
      if (o.reason !== undefined) params.reason = o.reason;
      if (o.confirm !== undefined) params.confirm = o.confirm;
      let s: TradingStateDto;
      try {
        s = await call('risk.state.set', params);
      } catch (err) {
        if (!(err instanceof RpcError) || err.code !== 'STATE_REJECTED') throw err;
        const why = detailCode(err);
        if (why === 'CONFIRM_REQUIRED' || why === 'BAD_CONFIRMATION') {
          // Read the token now rather than parse it out of the message: it is what the engine will compare with.
          const st = await call('risk.status', {});
          const token = st.state.resumeToken;
          const command = token === null ? null : `${ctx.self()} risk state ${mode.toLowerCase()} --confirm ${shellWord(token)}${o.reason !== undefined ? ' --reason ' + shellWord(o.reason) : ''}`;
          print(!!o.json, { code: why, mode: st.state.mode, resumeToken: token, command }, () =>
            token === null ? `nothing to resume: the state is ${st.state.mode}` : `resume token: ${token}\nto resume, run:\n  ${command}`,
          );
          throw new CliExit(EXIT.denied, refusalText(err));
        }
        throw new CliExit(EXIT.failed, refusalText(err));
      }
      print(!!o.json, s, () => stateText(s));
    });

  risk
    .command('kill')
    .description('kill switch: halt trading and cancel every working order and algo at once')
    .option('--reason <text>', 'why (kept in the state log)')
    .option('--json', 'print JSON')
    .action(async (o: { reason?: string; json?: boolean }) => {
      const r = await call('risk.killSwitch', o.reason !== undefined ? { reason: o.reason } : {});
      // The engine verifies every cancel reached a final state (re-sending and asking the venue);
      // wait for its verdict so the operator knows, not hopes, that nothing is left working.
      let state = r.state;
      const deadline = Date.now() + 30_000;
      while (state.killSwitchCheck?.status === 'verifying' && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 250));
        state = (await call('risk.status', {})).state;
      }
      const check = state.killSwitchCheck;
      const verdict =
        !check || check.status === 'verifying'
          ? 'cancels: still being verified by the engine (see `strata risk state`)'
          : check.status === 'confirmed'
            ? `cancels: all confirmed final by the venue (${check.rounds} check(s))`
            : `cancels: UNCONFIRMED for ${check.pending.length} order(s) after ${check.rounds} checks: ${check.pending.join(', ')}`;
      print(!!o.json, { ...r, state }, () =>
        [
          `kill switch: trading ${state.mode}`,
          r.cancelled.length === 0 ? 'no working orders to cancel' : `cancel requested for ${r.cancelled.length} order(s): ${r.cancelled.join(', ')}`,
          verdict,
          ...(state.resumeToken ? [`to resume: ${resumeHint(state.resumeToken)}`] : []),
        ].join('\n'),
      );
      if (check?.status === 'unconfirmed') throw new CliExit(EXIT.failed, verdict);
    });

  risk
    .command('breakers')
    .description('circuit breakers: status, blocked instruments and the log of trips and resets')
    .option('--limit <n>', 'how many log entries', intArg('limit', 1, 10000), 50)
    .option('--json', 'print JSON ({ breakers, blocked, log })')
    .action(async (o: { limit: number; json?: boolean }) => {
      const [st, log] = await Promise.all([call('risk.status', {}), call('risk.breakers.log', { limit: o.limit })]);
      print(!!o.json, { breakers: st.breakers, blocked: st.blocked, log }, () =>
        [breakersTable(st.breakers), ...(st.blocked.length > 0 ? ['', `blocked: ${st.blocked.map((b) => `${b.symbol} (${b.cause})`).join(', ')}`] : []), '', breakerLogTable(log)].join('\n'),
      );
    });

  // ---- PMS -------------------------------------------------------------------------------
  risk
    .command('flags')
    .description('risk flags the PMS raised (alerts, force-reduce, halt)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const flags = await call('risk.flags', {});
      print(!!o.json, flags, () =>
        flags.length === 0
          ? 'no flags'
          : table(
              ['SEVERITY', 'CODE', 'SUBJECT', 'VALUE', 'THRESHOLD', 'ACTION', 'SINCE', 'MESSAGE'],
              flags.map((f) => [f.severity, f.code, f.subject, Number(f.value.toPrecision(6)), Number(f.threshold.toPrecision(6)), f.action, isoTime(f.since), f.message]),
            ),
      );
    });

  risk
    .command('metrics')
    .description('NAV, P&L, exposure, leverage, drawdown, VaR and ES (historical and parametric, 95/99%)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const m = await call('risk.metrics', {});
      print(!!o.json, m, () => metricsText(m));
    });

  risk
    .command('stress')
    .description('stress tests: historical worst moves, scenarios, and reverse stress to a loss')
    .option('--loss <pct...>', 'reverse-stress targets, % of NAV (default 5 10 20)', percents)
    .option('--move <pct...>', 'add a scenario moving every instrument by this % (e.g. -10)', percents)
    .option('--json', 'print JSON')
    .action(async (o: { loss?: number[]; move?: number[]; json?: boolean }) => {
      const params: ParamsIn<'risk.stress'> = {};
      if (o.loss !== undefined) {
        if (o.loss.some((p) => p <= 0 || p > 100)) throw new CliExit(EXIT.usage, '--loss takes percentages in (0, 100]');
        params.lossFractions = o.loss.map((p) => p / 100);
      }
      if (o.move !== undefined) {
        if (o.move.some((p) => p < -100 || p > 1000)) throw new CliExit(EXIT.usage, '--move takes percentages in [-100, 1000]');
        params.scenarios = o.move.map((p) => ({ name: `all ${p >= 0 ? '+' : ''}${p}%`, all: p / 100 }));
      }
      const s = await call('risk.stress', params);
      print(!!o.json, s, () => stressText(s));
    });

  risk
    .command('whatif <symbol> <side> <qty>')
    .description("an order's effect on position, exposure, leverage and VaR, and L1's verdict, without placing it")
    .option('--price <p>', 'limit price (or price cap of an algo)')
    .addOption(new Option('--urgency <u>', 'urgency').choices([...URGENCIES]).default('immediate'))
    .addOption(new Option('--source <s>', 'who would send it').choices(['manual', 'api', 'signal']).default('manual'))
    .option('--json', 'print JSON')
    .action(async (symbol: string, side: string, qty: string, o: { price?: string; urgency: Urgency; source: 'manual' | 'api' | 'signal'; json?: boolean }) => {
      if (side !== 'buy' && side !== 'sell') throw new CliExit(EXIT.usage, 'SIDE is buy or sell');
      const params: ParamsIn<'risk.whatIf'> = { symbol, side, qty, type: o.price !== undefined ? 'limit' : 'market', urgency: o.urgency, source: o.source };
      if (o.price !== undefined) params.price = o.price;
      const w: WhatIfDto = await call('risk.whatIf', params);
      print(!!o.json, w, () =>
        [
          `${w.side} ${w.qty} ${w.symbol}${o.price !== undefined ? ' @ ' + o.price : ''} (${o.urgency}, ${o.source})`,
          checkText(w.check),
          '',
          table(
            ['', 'BEFORE', 'AFTER'],
            [
              ['position', w.before.positionQty, w.after.positionQty],
              ['position % NAV', pct(w.before.positionPctNav), pct(w.after.positionPctNav)],
              ['gross exposure', money(w.before.grossExposure), money(w.after.grossExposure)],
              ['leverage', ratio(w.before.leverage), ratio(w.after.leverage)],
              ['VaR 99% 1d', money(w.before.var99), money(w.after.var99)],
            ],
            [undefined, 'r', 'r'],
          ),
        ].join('\n'),
      );
    });
}

/**
 * How `orders place` explains RISK_CONFIRM_REQUIRED: each soft breach, and the command that
 * confirms them. Returns the exit error to throw.
 */
export function confirmRequired(err: RpcError, rerun: string): CliExit {
  const issues = err.issues ?? [];
  const w = Math.max(0, ...issues.map((i) => i.path.length));
  const lines = [`${err.code}: ${err.message}`, ...issues.map((i) => `  ${i.path.padEnd(w)}  ${i.message}`), 'to place it anyway (it breaches soft limits only), run:', `  ${rerun}`];
  return new CliExit(EXIT.denied, lines.join('\n'));
}

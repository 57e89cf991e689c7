import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { EXECUTION_STYLES, URGENCIES } from '../contract/dto.ts';
import type { ExecutionStyle, Urgency } from '../contract/dto.ts';
import type { AlphaDto, ApprovalQueueDto, ApprovalResultDto, PortfolioTargetDto, RebalanceDto, SignalsDto } from '../contract/l2-dto.ts';
import { CONSTRUCTION_METHODS, REBALANCE_CADENCES, SIZING_CHOICES } from '../contract/api/portfolio.ts';
import type { PortfolioConfigureInput, PortfolioSettingsDto } from '../contract/api/portfolio.ts';
import { proposalsTable } from './cli-approvals.ts';
import type { CliContext } from './cli-common.ts';
import { CliExit, EXIT, fields, isoTime, table } from './cli-common.ts';

/**
 * `strata signals …`, `strata portfolio target|rebalance` and `strata approvals …`: L2 over the
 * running engine. Every approval is re-checked by L1 in the engine; the CLI only asks.
 */

const pct = (f: number | null, digits = 2) => (f === null ? null : `${(f * 100).toFixed(digits)}%`);
const money = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const cadence = (c: AlphaDto['cadence']) => (typeof c === 'string' ? c : `every ${c.everyMs} ms`);

function alphasTable(alphas: AlphaDto[]): string {
  return table(
    ['NAME', 'KIND', 'ENABLED', 'WEIGHT', 'CADENCE', 'LAST RUN'],
    alphas.map((a) => [a.name, a.kind, a.enabled ? 'yes' : 'no', a.weight, cadence(a.cadence), isoTime(a.lastRunAt)]),
  );
}

function signalsText(s: SignalsDto): string {
  const parts = [alphasTable(s.alphas)];
  if (s.lastCycle) parts.push(`last cycle ${s.lastCycle.id} at ${isoTime(s.lastCycle.at)}: ran ${s.lastCycle.ran.join(', ') || 'none'}${s.lastCycle.failed.length ? `; failed ${s.lastCycle.failed.map((f) => `${f.alpha} (${f.code})`).join(', ')}` : ''}`);
  if (s.recent.length > 0) {
    parts.push(
      table(
        ['TIME', 'ALPHA', 'INSTRUMENT', 'KIND', 'VALUE', 'CONVICTION', 'URGENCY', 'EXP. RETURN'],
        s.recent.map((x) => [isoTime(x.time), x.alpha, x.instrument, x.kind, x.value, x.conviction, x.urgency, pct(x.expectedReturn)]),
      ),
    );
  } else parts.push('no signals yet');
  return parts.join('\n\n');
}

function alphaText(a: AlphaDto): string {
  return fields([
    ['name', a.name],
    ['kind', a.kind],
    ['enabled', a.enabled ? 'yes' : 'no'],
    ['weight', a.weight],
    ['cadence', cadence(a.cadence)],
    ['params', JSON.stringify(a.params)],
  ]);
}

function targetText(t: PortfolioTargetDto): string {
  const head = `NAV ${money(t.nav)} ${t.currency}; cash ${pct(t.currentCash)} now → ${pct(t.cash)} at target${t.cycleId ? ` (signal cycle ${t.cycleId})` : ''}`;
  if (t.rows.length === 0) return `${head}\nno targets: no enabled alpha holds an intent`;
  const rows = table(
    ['SYMBOL', 'CURRENT', 'COMBINED', 'TARGET', 'SUPPORT', 'ALPHAS (share × conviction × value)', 'GATE'],
    t.rows.map((r) => [
      r.symbol,
      pct(r.currentWeight),
      pct(r.combinedTarget),
      pct(r.targetWeight),
      r.support.toFixed(3),
      r.contributions.map((c) => `${c.alpha} ${pct(c.contribution)}`).join(', ') || null,
      r.gate.refused ? `refused ${r.gate.codes.join(',')}` : null,
    ]),
    [undefined, 'r', 'r', 'r', 'r', undefined, undefined],
  );
  const sized = t.rows.filter((r) => r.sizing.length > 0).map((r) => `  ${r.symbol}: ${r.sizing.map((f) => `${f.name} ×${f.effect.toFixed(3)}`).join(', ')}`);
  const failed = t.constructionError ? [`construction failed (${t.constructionError.code}): ${t.constructionError.message}; targets held at the current weights`] : [];
  return [head, ...failed, rows, ...(sized.length ? ['sizing:', ...sized] : [])].join('\n');
}

function settingsText(s: PortfolioSettingsDto): string {
  const c = s.constraints;
  const r = s.rebalance;
  const groups = Object.entries(c.groupCaps).map(([g, cap]) => `${g} ≤ ${pct(cap)} (${Object.entries(c.groups).filter(([, x]) => x === g).map(([sym]) => sym).join(', ')})`);
  return fields([
    ['method', s.method],
    ['lookback', `${s.lookbackDays} daily bars`],
    ['risk-free rate', pct(s.riskFreeRate)],
    ['weight bounds', `${pct(c.minWeight)} … ${c.maxWeight === null ? 'no max' : pct(c.maxWeight)}`],
    ['cash buffer', pct(c.cashBuffer)],
    ['group caps', groups.join('; ') || 'none'],
    ['stay close', c.stayClose > 0 ? `turnover penalty ${c.stayClose}` : 'off'],
    ['sizing', s.sizing],
    ['min trade', r.minTradeValue === null ? "instruments' minimum notional" : money(r.minTradeValue)],
    ['drift threshold', pct(r.driftThreshold)],
    ['turnover cap', r.turnoverCap === null ? 'none' : pct(r.turnoverCap)],
    ['max trade', `${pct(r.maxTradeWeight)} of NAV per rebalance`],
    ['cadence', r.cadence],
  ]);
}

const numberArg = (flag: string, lo: number, hi: number, nullable = false) => (v: string): number | null => {
  if (nullable && v === 'none') return null;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < lo || n > hi) throw new InvalidArgumentError(`${flag} must be a number in [${lo}, ${hi}]${nullable ? " or 'none'" : ''}`);
  return n;
};

const pairArg = (flag: string) => (v: string, prev: Record<string, string> = {}): Record<string, string> => {
  const m = /^([^=]+)=(.+)$/.exec(v);
  if (!m) throw new InvalidArgumentError(`${flag} takes KEY=VALUE, got ${v}`);
  return { ...prev, [m[1]!]: m[2]! };
};

interface ConfigureOpts {
  method?: PortfolioConfigureInput['method'];
  lookback?: number;
  riskFree?: number;
  minWeight?: number;
  maxWeight?: number | null;
  cashBuffer?: number;
  group?: Record<string, string>;
  groupCap?: Record<string, string>;
  stayClose?: number;
  sizing?: PortfolioConfigureInput['sizing'];
  minTrade?: number | null;
  drift?: number;
  turnoverCap?: number | null;
  maxTrade?: number;
  cadence?: NonNullable<PortfolioConfigureInput['rebalance']>['cadence'];
  json?: boolean;
}

/** Only what was given: the engine keeps the rest. */
function configureInput(o: ConfigureOpts): PortfolioConfigureInput {
  const def = <T>(v: T | undefined): v is T => v !== undefined;
  const constraints = Object.fromEntries(
    Object.entries({
      minWeight: o.minWeight,
      maxWeight: o.maxWeight,
      cashBuffer: o.cashBuffer,
      groups: o.group,
      groupCaps: o.groupCap ? Object.fromEntries(Object.entries(o.groupCap).map(([g, v]) => [g, Number(v)])) : undefined,
      stayClose: o.stayClose,
    }).filter(([, v]) => def(v)),
  );
  const rebalance = Object.fromEntries(Object.entries({ minTradeValue: o.minTrade, driftThreshold: o.drift, turnoverCap: o.turnoverCap, maxTradeWeight: o.maxTrade, cadence: o.cadence }).filter(([, v]) => def(v)));
  return {
    ...(def(o.method) ? { method: o.method } : {}),
    ...(def(o.lookback) ? { lookbackDays: o.lookback } : {}),
    ...(def(o.riskFree) ? { riskFreeRate: o.riskFree } : {}),
    ...(def(o.sizing) ? { sizing: o.sizing } : {}),
    ...(Object.keys(constraints).length ? { constraints } : {}),
    ...(Object.keys(rebalance).length ? { rebalance } : {}),
  };
}

function rebalanceText(r: RebalanceDto): string {
  const head = r.dryRun ? 'dry run: nothing queued' : r.batchId ? `batch ${r.batchId} queued for approval` : 'nothing to propose';
  const lines = [`${head}; NAV ${money(r.nav)}, turnover ${pct(r.turnover)}`, proposalsTable(r.proposals)];
  if (r.constructionError) lines.push(`construction failed (${r.constructionError.code}): ${r.constructionError.message}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  if (r.batchId) lines.push(`approve all: strata approvals approve --batch ${r.batchId}`);
  return lines.join('\n');
}

function queueText(q: ApprovalQueueDto): string {
  const lines = [q.frozen ? `QUEUE FROZEN: ${q.frozenReason}` : `${q.pending} waiting`, proposalsTable(q.proposals)];
  const on = q.autoApprove.filter((p) => p.enabled);
  lines.push(on.length ? `auto-approve: ${on.map((p) => `${p.alpha} ≤ ${money(p.maxNotional)}`).join(', ')}` : 'auto-approve: off');
  return lines.join('\n');
}

function resultText(r: ApprovalResultDto): string {
  return table(
    ['ID', 'RESULT', 'ORDER', 'MESSAGE'],
    r.results.map((x) => [x.id, x.ok ? (x.code === 'ALREADY_APPROVED' ? 'already approved' : 'sent') : `refused ${x.code ?? ''}`.trim(), x.orderId, x.message]),
  );
}

const qtyArg = (v: string): string => {
  if (!/^\d{1,15}(\.\d{1,18})?$/.test(v) || !(Number(v) > 0)) throw new InvalidArgumentError('--qty must be a positive plain decimal like 12 or 0.5');
  return v;
};

/** Adds `target` and `rebalance` to the `portfolio` command (whose `optimize` runs offline). */
export function registerPortfolioEngineCommands(portfolio: Command, ctx: CliContext): void {
  const { call, print } = ctx;
  portfolio
    .command('target')
    .description("combined targets from the enabled alphas, each alpha's share, the gate and sizing (engine)")
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const t = await call('portfolio.target', {});
      print(!!o.json, t, () => targetText(t));
    });
  portfolio
    .command('rebalance')
    .description('turn the current targets into proposals for the approval queue (engine)')
    .option('--dry-run', 'show what would be proposed without queueing anything')
    .option('--json', 'print JSON')
    .action(async (o: { dryRun?: boolean; json?: boolean }) => {
      const r = await call('portfolio.rebalance', { dryRun: !!o.dryRun });
      print(!!o.json, r, () => rebalanceText(r));
    });
  portfolio
    .command('settings')
    .description('how the live book is built: construction method, constraints, sizing, rebalancer (engine)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const s = await call('portfolio.settings', {});
      print(!!o.json, s, () => settingsText(s));
    });
  portfolio
    .command('configure')
    .description('change how the live book is built (saved across restarts; options not given are kept)')
    .addOption(new Option('--method <m>', 'construction method').choices(CONSTRUCTION_METHODS))
    .option('--lookback <days>', 'daily bars the optimisers estimate on', numberArg('--lookback', 22, 5000))
    .option('--risk-free <r>', 'annual risk-free rate (max-sharpe)', numberArg('--risk-free', -1, 1))
    .option('--min-weight <w>', 'lower bound of each targeted weight (fraction of NAV)', numberArg('--min-weight', 0, 1))
    .option('--max-weight <w>', "upper bound of any one weight, or 'none'", numberArg('--max-weight', 0, 1, true))
    .option('--cash-buffer <f>', 'fraction of NAV always kept in cash', numberArg('--cash-buffer', 0, 0.99))
    .option('--group <symbol=group>', 'put an instrument in a group (repeatable; replaces the groups)', pairArg('--group'))
    .option('--group-cap <group=cap>', 'cap a group (repeatable; replaces the caps)', pairArg('--group-cap'))
    .option('--stay-close <k>', 'turnover penalty towards the current weights (min-volatility)', numberArg('--stay-close', 0, 10))
    .addOption(new Option('--sizing <s>', 'dynamic sizing of risk-adding trades, or none').choices(SIZING_CHOICES))
    .option('--min-trade <value>', "smallest order value, or 'none' for the instruments' minimum notional", numberArg('--min-trade', 0, 1e12, true))
    .option('--drift <d>', 'weight drift below which nothing trades', numberArg('--drift', 0, 1))
    .option('--turnover-cap <t>', "max two-sided turnover per rebalance, or 'none'", numberArg('--turnover-cap', 0, 2, true))
    .option('--max-trade <w>', 'largest trade per instrument per rebalance (fraction of NAV)', numberArg('--max-trade', 0, 1))
    .addOption(new Option('--cadence <c>', 'when a rebalance is due').choices(REBALANCE_CADENCES))
    .option('--json', 'print JSON')
    .action(async (o: ConfigureOpts) => {
      const input = configureInput(o);
      if (Object.keys(input).length === 0) throw new CliExit(EXIT.usage, 'nothing to configure: give at least one option (see --help)');
      const s = await call('portfolio.configure', input);
      print(!!o.json, s, () => settingsText(s));
    });
}

export function registerL2Commands(program: Command, ctx: CliContext): void {
  const { call, print } = ctx;
  const signals = program.command('signals').description('L2 alphas: list, enable, disable, set a parameter');
  signals
    .command('list')
    .description('alphas with their state and the most recent signals')
    .option('--limit <n>', 'recent signals to show (default 20)', (v) => Number(v), 20)
    .option('--json', 'print JSON')
    .action(async (o: { limit: number; json?: boolean }) => {
      const s = await call('signals.list', { limit: o.limit });
      print(!!o.json, s, () => signalsText(s));
    });
  for (const verb of ['enable', 'disable'] as const) {
    signals
      .command(`${verb} <name>`)
      .description(`${verb} an alpha (saved across restarts)`)
      .option('--json', 'print JSON')
      .action(async (name: string, o: { json?: boolean }) => {
        const a = await call(`signals.${verb}`, { name });
        print(!!o.json, a, () => alphaText(a));
      });
  }
  signals
    .command('set <name> <key> <value>')
    .description('set one parameter (KEY may be a dotted path like targets.SPY; VALUE is JSON or text)')
    .option('--json', 'print JSON')
    .action(async (name: string, key: string, value: string, o: { json?: boolean }) => {
      const a = await call('signals.set', { name, key, value });
      print(!!o.json, a, () => alphaText(a));
    });

  const approvals = program.command('approvals').description('the approval queue: every signal-generated order waits here for the operator');
  approvals
    .command('list')
    .description('proposals waiting (or all with --all), newest first')
    .option('--all', 'include approved, rejected and expired proposals')
    .option('--limit <n>', 'at most this many (default 200)', (v) => Number(v), 200)
    .option('--json', 'print JSON')
    .action(async (o: { all?: boolean; limit: number; json?: boolean }) => {
      const q = await call('approvals.list', { scope: o.all ? 'all' : 'pending', limit: o.limit });
      print(!!o.json, q, () => queueText(q));
    });
  approvals
    .command('approve [ids...]')
    .description('approve proposals by id, or a whole batch with --batch; L1 checks each again before it is sent')
    .option('--batch <id>', 'approve every waiting proposal of this rebalance batch')
    .option('--json', 'print JSON')
    .action(async (ids: string[], o: { batch?: string; json?: boolean }) => {
      if ((ids.length === 0) === (o.batch === undefined)) throw new CliExit(EXIT.usage, 'give proposal ids or --batch ID (not both)');
      const r = await call('approvals.approve', o.batch !== undefined ? { batchId: o.batch } : { ids });
      print(!!o.json, r, () => resultText(r));
      if (r.refused > 0) {
        // An L1 refusal is a denial (exit 3); frozen, expired or unknown proposals are refusals (exit 1).
        const queueCodes = new Set(['QUEUE_FROZEN', 'PROPOSAL_EXPIRED', 'PROPOSAL_NOT_PENDING', 'UNKNOWN_PROPOSAL']);
        const denied = r.results.some((x) => !x.ok && x.code !== null && !queueCodes.has(x.code));
        throw new CliExit(denied ? EXIT.denied : EXIT.failed, `${r.refused} of ${r.results.length} not approved`);
      }
    });
  approvals
    .command('reject <id>')
    .description('reject a proposal; nothing is sent')
    .requiredOption('--reason <text>', 'why (kept in the audit)')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { reason: string; json?: boolean }) => {
      const p = await call('approvals.reject', { id, reason: o.reason });
      print(!!o.json, p, () => proposalsTable([p]));
    });
  approvals
    .command('modify <id>')
    .description("change a waiting proposal's quantity, urgency or algorithm; L1's verdict is re-run")
    .option('--qty <q>', 'new quantity', qtyArg)
    .addOption(new Option('--urgency <u>', 'new urgency').choices([...URGENCIES]))
    .addOption(new Option('--algo <a>', 'execution algorithm').choices(EXECUTION_STYLES.filter((s) => s !== 'limit')))
    .option('--json', 'print JSON')
    .action(async (id: string, o: { qty?: string; urgency?: Urgency; algo?: ExecutionStyle; json?: boolean }) => {
      if (o.qty === undefined && o.urgency === undefined && o.algo === undefined) throw new CliExit(EXIT.usage, 'give --qty, --urgency or --algo');
      const p = await call('approvals.modify', { id, ...(o.qty !== undefined && { qty: o.qty }), ...(o.urgency !== undefined && { urgency: o.urgency }), ...(o.algo !== undefined && { algo: o.algo }) });
      print(!!o.json, p, () => `${proposalsTable([p])}\n${p.verdict.message}`);
    });
  approvals
    .command('auto-approve <alpha>')
    .description("let an alpha's proposals under a notional go through without the operator (still through L1); off by default")
    .option('--max-notional <n>', 'largest proposal notional approved automatically', (v) => {
      const n = Number(v);
      if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('--max-notional must be a positive number');
      return n;
    })
    .option('--off', 'turn it off')
    .option('--json', 'print JSON')
    .action(async (alpha: string, o: { maxNotional?: number; off?: boolean; json?: boolean }) => {
      if ((o.maxNotional === undefined) === !o.off) throw new CliExit(EXIT.usage, 'give --max-notional N, or --off');
      const ps = await call('approvals.autoApprove', { alpha, enabled: !o.off, ...(o.maxNotional !== undefined && { maxNotional: o.maxNotional }) });
      print(!!o.json, ps, () => table(['ALPHA', 'AUTO-APPROVE', 'MAX NOTIONAL'], ps.map((p) => [p.alpha, p.enabled ? 'on' : 'off', p.maxNotional])));
    });
}

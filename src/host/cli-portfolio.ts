import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { CliContext } from './cli-common.ts';
import { CliExit, EXIT, table } from './cli-common.ts';

/**
 * `strata portfolio optimize`: offline portfolio construction on a wide CSV of prices. The
 * optimiser (and the WebAssembly solver) load only when the command runs, so `strata --help`
 * stays fast.
 */

// Mirrors src/portfolio/optimize.ts (kept here so registering the command imports nothing heavy).
const METHODS = ['equal', 'inverse-vol', 'risk-parity', 'hrp', 'min-volatility', 'max-sharpe', 'max-quadratic-utility', 'efficient-risk', 'efficient-return', 'black-litterman', 'min-cvar', 'cvar-efficient-return', 'cvar-efficient-risk'];
const RETURNS = ['mean', 'mean-arithmetic', 'ema', 'capm'];
const RISK_MODELS = ['sample', 'ledoit-wolf', 'ledoit-wolf-single-factor', 'ledoit-wolf-constant-correlation', 'oracle-approximating', 'exp-cov', 'semicovariance'];
const LINKAGES = ['single', 'complete', 'average', 'weighted', 'centroid', 'median', 'ward'];

const num = (name: string) => (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
  return n;
};

const boundsArg = (v: string): [number, number] => {
  const parts = v.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x))) throw new InvalidArgumentError('--bounds takes LO,HI (e.g. 0,1 or -1,1)');
  return [parts[0]!, parts[1]!];
};

interface OptimizeFlags {
  prices: string;
  method: string;
  returns: string;
  riskModel: string;
  span?: number;
  semicovBenchmark?: number;
  bounds?: [number, number];
  marketNeutral?: boolean;
  gamma?: number;
  riskFree: number;
  riskAversion?: number;
  targetVolatility?: number;
  targetReturn?: number;
  targetCvar?: number;
  beta?: number;
  linkage: string;
  views?: string;
  totalValue?: number;
  shortRatio?: number;
  reinvest?: boolean;
  json?: boolean;
}

export function registerPortfolioCommands(program: Command, ctx: CliContext): Command {
  const portfolio = program.command('portfolio').description("portfolio: the engine's combined target and its rebalance into proposals; optimise weights from prices (offline)");
  portfolio
    .command('optimize')
    .description('optimise weights on a wide CSV of prices (first column the date, one column per ticker); no engine needed')
    .requiredOption('--prices <file>', 'wide CSV of prices')
    .addOption(new Option('--method <method>', 'optimisation method').choices(METHODS).makeOptionMandatory())
    .addOption(new Option('--returns <model>', 'expected returns').choices(RETURNS).default('mean'))
    .addOption(new Option('--risk-model <model>', 'covariance estimator').choices(RISK_MODELS).default('sample'))
    .option('--span <n>', 'span in days for ema returns (default 500) and exp-cov (default 180)', num('--span'))
    .option('--semicov-benchmark <b>', 'daily return below which semicovariance counts (default 0.000079)', num('--semicov-benchmark'))
    .option('--bounds <lo,hi>', 'weight bounds per asset (default 0,1)', boundsArg)
    .option('--market-neutral', 'weights sum to 0 (needs negative lower bounds)')
    .option('--gamma <g>', 'L2 regularisation', num('--gamma'))
    .option('--risk-free <r>', 'annual risk-free rate', num('--risk-free'), 0.02)
    .option('--risk-aversion <d>', 'risk aversion δ (max-quadratic-utility; Black-Litterman prior)', num('--risk-aversion'))
    .option('--target-volatility <v>', 'annual volatility (efficient-risk)', num('--target-volatility'))
    .option('--target-return <r>', 'annual return (efficient-return, cvar-efficient-return)', num('--target-return'))
    .option('--target-cvar <c>', 'CVaR as a positive loss (cvar-efficient-risk)', num('--target-cvar'))
    .option('--beta <b>', 'CVaR confidence level (default 0.95)', num('--beta'))
    .addOption(new Option('--linkage <method>', 'HRP linkage').choices(LINKAGES).default('single'))
    .option('--views <file>', 'Black-Litterman views JSON: {"marketCaps", "absoluteViews", "relativeViews", "viewConfidences", "riskAversion"}')
    .option('--total-value <v>', 'also allocate this much money to whole shares at the last prices', num('--total-value'))
    .option('--short-ratio <r>', 'short book as a fraction of the total value (with --total-value)', num('--short-ratio'))
    .option('--reinvest', 'reinvest short proceeds in the long book (with --total-value)')
    .option('--json', 'print JSON: {"weights", "performance", ["cvar"], ["allocation", "leftover"]}')
    .action(async (o: OptimizeFlags) => {
      if ((o.shortRatio !== undefined || o.reinvest) && o.totalValue === undefined) throw new CliExit(EXIT.usage, '--short-ratio and --reinvest go with --total-value');
      const [{ readFileSync }, pf] = await Promise.all([import('node:fs'), import('../portfolio/index.ts')]);
      const read = (file: string) => {
        try {
          return readFileSync(file, 'utf8');
        } catch (err) {
          throw new CliExit(EXIT.usage, `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
        }
      };
      try {
        const prices = pf.parseWidePriceCsv(read(o.prices), o.prices);
        let views;
        if (o.views !== undefined) {
          let json: unknown;
          try {
            json = JSON.parse(read(o.views));
          } catch (err) {
            if (err instanceof CliExit) throw err;
            throw new CliExit(EXIT.usage, `${o.views} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
          }
          const parsed = pf.viewsSchema.safeParse(json);
          if (!parsed.success) throw new CliExit(EXIT.usage, `${o.views}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
          views = parsed.data;
        }
        const result = await pf.optimize({
          prices,
          method: o.method as (typeof pf.METHODS)[number],
          returns: o.returns as (typeof pf.RETURN_MODELS)[number],
          riskModel: o.riskModel as (typeof pf.RISK_MODELS)[number],
          riskFreeRate: o.riskFree,
          linkage: o.linkage as (typeof pf.LINKAGES)[number],
          ...(o.span !== undefined ? { span: o.span } : {}),
          ...(o.semicovBenchmark !== undefined ? { semicovBenchmark: o.semicovBenchmark } : {}),
          ...(o.bounds ? { bounds: o.bounds } : {}),
          ...(o.marketNeutral ? { marketNeutral: true } : {}),
          ...(o.gamma !== undefined ? { gamma: o.gamma } : {}),
          ...(o.riskAversion !== undefined ? { riskAversion: o.riskAversion } : {}),
          ...(o.targetVolatility !== undefined ? { targetVolatility: o.targetVolatility } : {}),
          ...(o.targetReturn !== undefined ? { targetReturn: o.targetReturn } : {}),
          ...(o.targetCvar !== undefined ? { targetCvar: o.targetCvar } : {}),
          ...(o.beta !== undefined ? { beta: o.beta } : {}),
          ...(views ? { views } : {}),
          ...(o.totalValue !== undefined ? { totalValue: o.totalValue } : {}),
          ...(o.shortRatio !== undefined ? { shortRatio: o.shortRatio } : {}),
          ...(o.reinvest ? { reinvest: true } : {}),
        });
        ctx.print(!!o.json, result, () => {
          const rows = Object.entries(result.weights)
            .filter(([, w]) => Math.abs(w) >= 1e-4)
            .sort((a, b) => b[1] - a[1])
            .map(([t, w]) => [t, w.toFixed(5)]);
          const p = result.performance;
          const lines = [
            table(['TICKER', 'WEIGHT'], rows, ['l', 'r']),
            '',
            `expected annual return  ${(p.expectedReturn * 100).toFixed(2)}%`,
            `annual volatility       ${(p.volatility * 100).toFixed(2)}%`,
            `Sharpe ratio            ${p.sharpe.toFixed(3)}`,
          ];
          if (result.cvar !== undefined) lines.push(`CVaR (daily loss)       ${(result.cvar * 100).toFixed(2)}%`);
          if (result.allocation) {
            lines.push('', table(['TICKER', 'SHARES'], Object.entries(result.allocation).map(([t, q]) => [t, q])), `leftover ${result.leftover!.toFixed(2)}`);
          }
          return lines.join('\n');
        });
      } catch (err) {
        if (err instanceof pf.PortfolioError) throw new CliExit(EXIT.failed, `${err.code}: ${err.message}`);
        throw err;
      }
    });
  return portfolio;
}

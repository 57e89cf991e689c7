import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/host/cli.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** Every command of the CLI's parser with its long options, as `strata orders place` → [--symbol, …]. */
async function parserCommands(): Promise<{ path: string[]; options: string[]; group: boolean }[]> {
  const found: { path: string[]; options: string[]; group: boolean }[] = [];
  const parse = Command.prototype.parseAsync;
  // `strata help` registers every command group; the tree is read instead of parsing anything.
  Command.prototype.parseAsync = async function (this: Command) {
    const walk = (c: Command, path: string[]) => {
      for (const s of c.commands) {
        const p = [...path, s.name()];
        found.push({ path: p, options: s.options.map((o) => o.long ?? '').filter((o) => o !== ''), group: s.commands.length > 0 });
        walk(s, p);
      }
    };
    walk(this, []);
    return this;
  } as typeof parse;
  try {
    await runCli(['help'], { out: () => undefined, err: () => undefined, env: {} });
  } finally {
    Command.prototype.parseAsync = parse;
  }
  return found;
}

/** The README's synopsis entries: code-block lines that start with `strata `, with their indented continuation lines. */
function readmeEntries(): string[] {
  const entries: string[] = [];
  let inBlock = false;
  for (const line of readFileSync(resolve(ROOT, 'README.md'), 'utf8').split('\n')) {
    if (line.startsWith('```')) inBlock = !inBlock;
    else if (inBlock && line.startsWith('strata ')) entries.push(line);
    else if (inBlock && /^\s+\S/.test(line) && entries.length > 0) entries[entries.length - 1] += ' ' + line.trim();
  }
  return entries;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('README lists the command line', () => {
  it('when the parser has a command or an option then a README synopsis shows it', async () => {
    const entries = readmeEntries();
    const commands = await parserCommands();
    // The walk saw the whole parser (orders, risk, the offline groups), not an empty program.
    expect(commands.map((c) => c.path.join(' '))).toEqual(expect.arrayContaining(['orders place', 'orders modify', 'risk limits set', 'backtest sweep', 'replay seek', 'approvals modify']));
    const missing: string[] = [];
    for (const c of commands) {
      if (c.group && c.options.length === 0) continue;
      const parent = ['strata', ...c.path.slice(0, -1)].join(' ');
      const name = c.path.at(-1)!;
      // `strata orders list …`, or an alternative on its parent's line: `strata replay play | pause | …`, `strata risk limits [list]`.
      const own = new RegExp(`(^|\\| |\\[)${escape(name)}(\\]|\\b)`);
      const lines = entries.filter((e) => e.startsWith(`${parent} `) && own.test(e.slice(parent.length + 1)));
      if (lines.length === 0) {
        missing.push(`strata ${c.path.join(' ')}`);
        continue;
      }
      const text = lines.join(' ');
      for (const o of c.options) if (!new RegExp(`${escape(o)}(?![\\w-])`).test(text)) missing.push(`strata ${c.path.join(' ')} ${o}`);
    }
    expect(missing).toEqual([]);
  });
});

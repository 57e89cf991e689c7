import type { Alpha, AlphaBaseParams, AlphaDefinition, AlphaDiagnostics, Cadence } from './alpha.ts';
import { strategicAllocation } from './alphas/strategic-allocation.ts';
import { smaCross } from './alphas/sma-cross.ts';
import { statisticalModel } from './alphas/statistical-model.ts';
import { tacticalRegime } from './alphas/tactical-regime.ts';
import { SignalError } from './errors.ts';

/**
 * The alphas the engine runs: each a named instance of a kind, enabled or not, with parameters that
 * passed its schema. enable / disable / set change one alpha; a rejected change (unknown alpha,
 * unknown parameter, a value the schema refuses) throws a SignalError with a code and leaves the
 * registry as it was. Setting a parameter builds a fresh instance (a model refits from scratch).
 */

export const BUILT_IN_ALPHAS: readonly AlphaDefinition[] = [strategicAllocation, tacticalRegime, smaCross, statisticalModel];

export interface AlphaInfo {
  name: string;
  kind: string;
  description: string;
  enabled: boolean;
  weight: number;
  cadence: Cadence;
  params: Readonly<AlphaBaseParams>;
  diagnostics: AlphaDiagnostics | null;
}

/** What survives a restart: which alphas exist, whether they are on, and their parameters. */
export interface AlphaConfig {
  name: string;
  kind: string;
  enabled: boolean;
  params: Readonly<AlphaBaseParams>;
}

interface Entry {
  definition: AlphaDefinition;
  alpha: Alpha;
  enabled: boolean;
}

/** Text from the CLI ("0.5", "true", "[\"SPY\"]", "weekly") to a value: JSON if it parses, else the text. */
export function parseParamValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  const copy = { ...obj };
  if (rest.length === 0) copy[head!] = value;
  else {
    const inner = copy[head!];
    copy[head!] = setPath(inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {}, rest, value);
  }
  return copy;
}

export class AlphaRegistry {
  readonly #kinds = new Map<string, AlphaDefinition>();
  readonly #entries = new Map<string, Entry>();
  #version = 0;

  constructor(definitions: readonly AlphaDefinition[] = BUILT_IN_ALPHAS) {
    for (const d of definitions) this.#kinds.set(d.kind, d);
  }

  /** Bumps on every change, so a cycle can tell a rebuilt alpha from the one it last ran. */
  get version(): number {
    return this.#version;
  }

  kinds(): string[] {
    return [...this.#kinds.keys()];
  }

  add(name: string, kind: string, params: unknown = {}, enabled = true): AlphaInfo {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) throw new SignalError('BAD_PARAM', `alpha name "${name}" must be 1–64 letters, digits, '.', '_' or '-'`);
    if (this.#entries.has(name)) throw new SignalError('DUPLICATE_ALPHA', `an alpha named ${name} is already registered`);
    const definition = this.#kinds.get(kind);
    if (!definition) throw new SignalError('UNKNOWN_ALPHA', `no alpha kind ${kind}; kinds: ${this.kinds().join(', ')}`);
    const alpha = this.#build(definition, name, params);
    this.#entries.set(name, { definition, alpha, enabled });
    this.#version++;
    return this.info(name);
  }

  remove(name: string): void {
    this.#get(name);
    this.#entries.delete(name);
    this.#version++;
  }

  list(): AlphaInfo[] {
    return [...this.#entries.keys()].map((n) => this.info(n));
  }

  info(name: string): AlphaInfo {
    const e = this.#get(name);
    const p = e.alpha.params;
    return { name, kind: e.definition.kind, description: e.definition.description, enabled: e.enabled, weight: p.weight, cadence: p.cadence, params: p, diagnostics: e.alpha.diagnostics?.() ?? null };
  }

  enable(name: string): AlphaInfo {
    return this.#setEnabled(name, true);
  }

  disable(name: string): AlphaInfo {
    return this.#setEnabled(name, false);
  }

  /** Sets one parameter (`key` may be a dotted path into a record, e.g. targets.SPY). */
  set(name: string, key: string, value: unknown): AlphaInfo {
    const e = this.#get(name);
    const path = key.split('.');
    if (!e.definition.paramKeys.includes(path[0]!)) {
      throw new SignalError('UNKNOWN_PARAM', `${name} (${e.definition.kind}) has no parameter ${path[0]}; parameters: ${e.definition.paramKeys.join(', ')}`);
    }
    const next = setPath({ ...e.alpha.params }, path, parseParamValue(value));
    e.alpha = this.#build(e.definition, name, next);
    this.#version++;
    return this.info(name);
  }

  /** The registry as plain JSON, for the journal to keep across restarts. */
  exportConfig(): AlphaConfig[] {
    return [...this.#entries.entries()].map(([name, e]) => ({ name, kind: e.definition.kind, enabled: e.enabled, params: e.alpha.params }));
  }

  /**
   * Replaces the registry with a saved configuration. Every entry is validated first; if any is
   * refused (a kind this build lacks, a parameter its schema no longer accepts) nothing changes and
   * the error says which.
   */
  importConfig(config: readonly AlphaConfig[]): void {
    const staged = new AlphaRegistry([...this.#kinds.values()]);
    for (const c of config) staged.add(c.name, c.kind, c.params, c.enabled);
    this.#entries.clear();
    for (const [name, e] of staged.#entries) this.#entries.set(name, e);
    this.#version++;
  }

  /** The enabled alphas, in registration order. */
  enabled(): Alpha[] {
    return [...this.#entries.values()].filter((e) => e.enabled).map((e) => e.alpha);
  }

  get(name: string): Alpha {
    return this.#get(name).alpha;
  }

  #setEnabled(name: string, enabled: boolean): AlphaInfo {
    const e = this.#get(name);
    if (e.enabled !== enabled) {
      e.enabled = enabled;
      this.#version++;
    }
    return this.info(name);
  }

  #get(name: string): Entry {
    const e = this.#entries.get(name);
    if (!e) throw new SignalError('UNKNOWN_ALPHA', `no alpha named ${name}; registered: ${[...this.#entries.keys()].join(', ') || 'none'}`);
    return e;
  }

  #build(definition: AlphaDefinition, name: string, raw: unknown): Alpha {
    const r = definition.validate(raw);
    if (!r.ok) {
      throw new SignalError('BAD_PARAM', `${name} (${definition.kind}): ${r.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`, r.issues);
    }
    return definition.create(name, r.params);
  }
}

/** The built-in alphas with default parameters: strategic allocation enabled, the others off until configured. */
export function defaultAlphaRegistry(definitions: readonly AlphaDefinition[] = BUILT_IN_ALPHAS): AlphaRegistry {
  const r = new AlphaRegistry(definitions);
  r.add('strategic', 'strategic-allocation');
  r.add('tactical', 'tactical-regime', {}, false);
  r.add('sma-cross', 'sma-cross', {}, false);
  r.add('model', 'statistical-model', {}, false);
  return r;
}

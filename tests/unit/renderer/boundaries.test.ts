import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The renderer's room boundaries are lint rules (eslint.config.js); this checks the rules bite, so a
 * typo in a glob cannot silently turn one off.
 */
const root = resolve(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function restricted(file: string, code: string): Promise<string[]> {
  const [res] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return (res?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

// ESLint loads its TypeScript parser on first use: seconds on a busy machine.
describe('renderer import boundaries', { timeout: 60_000 }, () => {
  it('when a feature imports another feature then lint refuses it, by relative or deep path', async () => {
    expect(await restricted('renderer/src/features/trading/X.tsx', "import { RiskPanel } from '../risk/RiskPanel.tsx';\nexport const x = RiskPanel;\n")).toEqual([
      expect.stringContaining('renderer features do not import each other'),
    ]);
    expect(await restricted('renderer/src/features/risk/X.tsx', "import { Blotter } from '../../features/trading/Blotter.tsx';\nexport const x = Blotter;\n")).toHaveLength(1);
  });

  it('when a feature imports state, shared or its own files then lint allows it', async () => {
    const code = "import { useStore } from '../../state/index.ts';\nimport { Tabs } from '../../shared/Tabs.tsx';\nimport { Blotter } from './Blotter.tsx';\nexport const x = [useStore, Tabs, Blotter];\n";
    expect(await restricted('renderer/src/features/trading/X.tsx', code)).toEqual([]);
  });

  it('when state or shared reaches up into a feature or the shell, or a feature into the shell, then lint refuses it', async () => {
    expect(await restricted('renderer/src/state/x.ts', "import { SCREENS } from '../app/screens.tsx';\nexport const x = SCREENS;\n")).toHaveLength(1);
    expect(await restricted('renderer/src/shared/x.ts', "import { Blotter } from '../features/trading/Blotter.tsx';\nexport const x = Blotter;\n")).toHaveLength(1);
    expect(await restricted('renderer/src/features/risk/X.tsx', "import { SCREENS } from '../../app/screens.tsx';\nexport const x = SCREENS;\n")).toHaveLength(1);
  });

  it('when renderer code imports the engine beyond the contract then lint refuses it in every room', async () => {
    for (const file of ['renderer/src/features/trading/X.tsx', 'renderer/src/state/x.ts', 'renderer/src/app/x.ts']) {
      const depth = file.split('/').length - 2;
      const up = '../'.repeat(depth);
      expect(await restricted(file, `import { createEngine } from '${up}src/kernel/engine.ts';\nexport const x = createEngine;\n`), file).toHaveLength(1);
    }
  });

  it('when any feature folder imports any other then lint refuses it: every folder under features/ is fenced, execution included', async () => {
    const features = readdirSync(resolve(root, 'renderer/src/features'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(features).toContain('execution');
    for (const f of features) {
      const other = features.find((o) => o !== f) ?? f;
      const msgs = await restricted(`renderer/src/features/${f}/X.tsx`, `import { Y } from '../${other}/Y.tsx';\nexport const x = Y;\n`);
      expect(msgs, `${f} -> ${other}`).toEqual([expect.stringContaining('renderer features do not import each other')]);
    }
    expect(await restricted('renderer/src/features/execution/X.tsx', "import { RiskPanel } from '../risk/RiskPanel.tsx';\nexport const x = RiskPanel;\n")).toHaveLength(1);
    expect(await restricted('renderer/src/features/trading/X.tsx', "import { E } from '../execution/E.tsx';\nexport const x = E;\n")).toHaveLength(1);
  });
});

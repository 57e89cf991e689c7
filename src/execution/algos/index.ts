import type { AlgoKind } from '../../contract/dto.ts';
import { TwapAlgo } from './twap.ts';
import type { ExecAlgo } from './types.ts';

/** One instance per working parent: algorithms may keep per-parent caches. */
export function createAlgo(kind: AlgoKind): ExecAlgo {
  switch (kind) {
    case 'twap':
      return new TwapAlgo();
    default:
      throw new Error(`algorithm ${kind} is not available`);
  }
}

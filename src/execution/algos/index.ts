import type { AlgoKind } from '../../contract/dto.ts';
import { AdaptiveAlgo } from './adaptive.ts';
import { IcebergAlgo } from './iceberg.ts';
import { PassiveAlgo } from './passive.ts';
import { PovAlgo } from './pov.ts';
import { TwapAlgo } from './twap.ts';
import type { ExecAlgo } from './types.ts';
import { VwapAlgo } from './vwap.ts';

/** One instance per working parent: algorithms may keep per-parent caches. */
export function createAlgo(kind: AlgoKind): ExecAlgo {
  switch (kind) {
    case 'twap':
      return new TwapAlgo();
    case 'vwap':
      return new VwapAlgo();
    case 'pov':
      return new PovAlgo();
    case 'passive':
      return new PassiveAlgo();
    case 'iceberg':
      return new IcebergAlgo();
    case 'adaptive':
      return new AdaptiveAlgo();
    default: {
      const never: never = kind;
      throw new Error(`algorithm ${String(never)} is not available`);
    }
  }
}

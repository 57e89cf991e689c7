import type { SessionDto } from '../dto.ts';
import { empty } from './common.ts';

/** The session: what engine this is, in which mode, on which venue. */
export const sessionSchemas = {
  'session.info': empty,
} as const;

export interface SessionResults {
  'session.info': SessionDto;
}

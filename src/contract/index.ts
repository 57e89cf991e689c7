export * from './dto.ts';
export * from './risk-dto.ts';
export * from './l2-dto.ts';
export * from './errors.ts';
export * from './api.ts';
export * from './envelope.ts';
export * from './rpc.ts';
export * from './memory.ts';

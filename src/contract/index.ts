export * from './dto.ts';
export * from './risk-dto.ts';
export * from './errors.ts';
export * from './api.ts';
export * from './envelope.ts';
export * from './rpc.ts';
export * from './memory.ts';
export * from './api/venue.ts';

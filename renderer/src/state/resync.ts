/**
 * A slice that learns the engine behind the connection changed its whole state (a replay loaded,
 * stopped or rebuilt by a seek backwards) asks for every snapshot to be loaded again. The registry
 * registers how; slices call `requestResync` without importing the registry (which imports them).
 */
let handler: (() => void) | null = null;

export function setResyncHandler(fn: (() => void) | null): void {
  handler = fn;
}

export function requestResync(): void {
  handler?.();
}

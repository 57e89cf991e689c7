import type { SignalCycleDto, SignalDto } from '../contract/l2-dto.ts';
import type { CycleRecord } from '../signals/journal.ts';
import type { JournaledSignal } from '../signals/signal.ts';

/** A journaled signal as the contract sends it: its own copy of each input array (the record is frozen). */
export function signalDto(s: JournaledSignal): SignalDto {
  return { ...s, inputs: Object.fromEntries(Object.entries(s.inputs).map(([k, v]) => [k, Array.isArray(v) ? [...(v as number[])] : (v as SignalDto['inputs'][string])])) };
}

export function cycleDto(c: CycleRecord): SignalCycleDto {
  return { id: c.id, at: c.at, ran: [...c.ran], failed: c.failed.map((f) => ({ ...f })), signals: c.signals.map(signalDto) };
}

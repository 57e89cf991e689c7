import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventName, OrderDto, PositionDto, ReplayStateDto } from '../../src/contract/index.ts';
import { createClient } from '../../src/contract/rpc.ts';
import type { Client } from '../../src/contract/rpc.ts';
import { SimClock } from '../../src/core/clock.ts';
import { EngineSwitch } from '../../src/host/engine-switch.ts';
import { startServer } from '../../src/host/server.ts';
import { connectWs } from '../../src/host/ws-endpoint.ts';
import { createEngine } from '../../src/kernel/engine.ts';
import { EVENT_NAMES } from '../../src/contract/api.ts';
import { ReplaySession } from '../../src/kernel/replay/session.ts';
import { loadMarketFile } from '../../src/marketdata/recording.ts';
import { readFileSync } from 'node:fs';

const TAPE = join(import.meta.dirname, '..', 'fixtures', 'data', 'crypto', 'binance_XRPETH_trades_20191011-13.csv');
const HOUR = 3_600_000;

/**
 * The web host serving a replay to a real WebSocket client that takes every event, as the UI does
 * (the audit's case: a max-speed Pause took 20-30 s behind ~20k pushed frames, a far seek timed out).
 * Progress is counted in the replay's slices and in frames, never in wall time.
 */
async function rig() {
  const paper = createEngine({ durability: 'memory', clock: new SimClock(Date.UTC(2026, 0, 5)), seed: 7, warmUpMinutes: 0, log: () => undefined });
  await paper.start();
  const sw = new EngineSwitch({ paper, seed: 7 });
  const server = await startServer({ handlers: sw.handlers, feed: sw.feed, token: 'push-test', port: 0, staticDir: join(import.meta.dirname, 'no-ui') });
  const client = createClient(await connectWs(`ws://127.0.0.1:${server.port}/ws?token=push-test`), { timeoutMs: 120_000 });
  const frames: { event: EventName; data: unknown }[] = [];
  for (const event of EVENT_NAMES) client.on(event, (data) => frames.push({ event, data }));
  const session = () => {
    const s = sw.replaySession;
    if (!s) throw new Error('no replay loaded');
    return s;
  };
  return {
    sw,
    client,
    frames,
    session,
    close: async () => {
      client.close();
      await server.close();
      await sw.close();
    },
  };
}

/** Resolves once `frames` holds a frame `pred` accepts (checked on every frame: no polling clock). */
function frameWhere(frames: { event: EventName; data: unknown }[], client: Client, event: EventName, pred: (d: unknown) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (frames.some((f) => f.event === event && pred(f.data))) return resolve();
    const off = client.on(event, (d) => {
      if (!pred(d)) return;
      off();
      resolve();
    });
  });
}

const count = (frames: { event: EventName }[], event: EventName) => frames.filter((f) => f.event === event).length;

/** What the UI holds after a seek: the last replay state pushed, and the snapshots it loads again on a new generation. */
async function clientView(client: Client, lastState: ReplayStateDto) {
  const [positions, orders] = await Promise.all([client.call('positions.list', {}), client.call('orders.list', { scope: 'all', limit: 500 })]);
  return { state: lastState, positions: positions.map(pos), orders: orders.map(ord) };
}
const pos = (p: PositionDto) => ({ symbol: p.symbol, qty: p.qty, avg: p.avgPrice });
const ord = (o: OrderDto) => ({ id: o.id, status: o.status, filled: o.filledQty });

describe('replay pushed to a WebSocket client with every event', () => {
  it('when playing at max speed then each flush sends one clock and one account, and a Pause answers within three slices behind a bounded number of frames', async () => {
    const r = await rig();
    try {
      const s0 = await r.client.call('replay.load', { path: TAPE, speed: 'max' });
      const s = r.session();
      const start = s.state().position;
      await r.client.call('replay.play', {});
      const slicesAtPlay = s.slices;
      // Played a while: a pushed position an hour in.
      await frameWhere(r.frames, r.client, 'replay.state', (d) => (d as ReplayStateDto).position > start + HOUR);
      const before = r.frames.length;
      const slicesAtSend = s.slices;
      const paused = await r.client.call('replay.pause', {});
      const slicesAtReply = s.slices;

      expect(paused.playing).toBe(false);
      expect(slicesAtReply - slicesAtSend).toBeLessThanOrEqual(3);
      // Frames queued ahead of the reply: what a few flushes carry, not every kernel tick's.
      expect(r.frames.length - before).toBeLessThan(300);
      // A clock and an account at most once per slice (a flush), not once per kernel tick (~13 a simulated minute).
      const played = slicesAtReply - slicesAtPlay;
      expect(count(r.frames, 'clock')).toBeLessThanOrEqual(played + 2);
      expect(count(r.frames, 'account.updated')).toBeLessThanOrEqual(played + 2);
      // Max speed sent only each flush's newest bars: the pause moves the generation, so the client
      // loads its charts again rather than keep an hour of thinned bars.
      expect(paused.generation).toBeGreaterThan(s0.generation);
      // Nothing runs after the reply.
      expect(s.slices).toBe(slicesAtReply);
      expect(s.state().position).toBe(paused.position);
    } finally {
      await r.close();
    }
  }, 60_000);

  it('when seeking hours ahead with a position and an order working then the seek replies, pushes progress and no engine frames on the way, and the client view equals the engine after it', async () => {
    const r = await rig();
    try {
      const loaded = await r.client.call('replay.load', { path: TAPE, speed: '1' });
      await r.client.call('replay.seek', { time: loaded.start + HOUR });
      const snap = await r.client.call('market.snapshot', { symbol: 'XRP/ETH' });
      // A bid well under the market: it rests, and may fill on the way.
      const bid = (Number(snap.quote.bid) * 0.995).toFixed(8);
      const o = await r.client.call('orders.place', { symbol: 'XRP/ETH', side: 'buy', qty: '300', type: 'limit', price: bid, tif: 'gtc', source: 'manual', urgency: 'low' });
      await r.client.call('orders.place', { symbol: 'XRP/ETH', side: 'buy', qty: '200', type: 'market', tif: 'gtc', source: 'manual', urgency: 'immediate' });
      // Paused: the market order fills as the next recorded trades play.
      await r.client.call('replay.step', { events: 5 });
      expect((await r.client.call('positions.list', {})).find((p) => p.symbol === 'XRP/ETH')?.qty).toBe(200);

      const before = r.frames.length;
      // Far enough for dozens of slices (with a position held, the engine takes ~3x longer a simulated hour).
      const target = loaded.start + 8 * HOUR;
      const done = await r.client.call('replay.seek', { time: target });
      const during = r.frames.slice(before);

      expect(done.position).toBe(target);
      // The seek moved the generation: the client loads its snapshots again, as a fresh client does.
      expect(done.generation).toBeGreaterThan(loaded.generation);
      // On the way: progress states, and no clock, account, risk metrics or market frames (a frame each per kernel tick before).
      const progress = during.filter((f) => f.event === 'replay.state');
      expect(progress.length).toBeGreaterThan(0);
      expect(during.filter((f) => f.event !== 'replay.state')).toEqual([]);
      const positions = progress.map((f) => (f.data as ReplayStateDto).position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));

      const lastState = progress[progress.length - 1]?.data as ReplayStateDto;
      const view = await clientView(r.client, lastState);
      const engine = r.session();
      const h = engine.handlers();
      expect(view.state).toEqual({ ...engine.state(), generation: lastState.generation });
      expect(view.positions).toEqual((await h['positions.list']({})).map(pos));
      expect(view.orders).toEqual((await h['orders.list']({ scope: 'all', limit: 500 })).map(ord));
      expect(view.orders.map((x) => x.id)).toContain(o.id);
      expect(view.positions.find((p) => p.symbol === 'XRP/ETH')?.qty).toBeGreaterThanOrEqual(200);
    } finally {
      await r.close();
    }
  }, 120_000);

  it('when the clients are behind then a max-speed play runs no slice until they caught up, and a Pause meanwhile leaves nothing to run', async () => {
    let wall = 0;
    const market = loadMarketFile(readFileSync(TAPE, 'utf8'), TAPE);
    const s = await ReplaySession.open({ market, file: TAPE, speed: 'max', wallNow: () => (wall += 1) });
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
    try {
      let release: () => void = () => undefined;
      let behind = false;
      s.backpressure = () => (behind ? new Promise<void>((resolve) => (release = resolve)) : undefined);
      s.play();
      await turn();
      await turn();
      expect(s.slices).toBeGreaterThan(0);
      behind = true;
      await turn();
      const held = s.slices;
      for (let i = 0; i < 5; i++) await turn();
      expect(s.slices - held).toBeLessThanOrEqual(1);
      const stalled = s.slices;
      behind = false;
      release();
      await turn();
      await turn();
      expect(s.slices).toBeGreaterThan(stalled);
      // Behind again, and paused while waiting: the wait's end runs nothing.
      behind = true;
      await turn();
      await turn();
      s.pause();
      const atPause = s.slices;
      behind = false;
      release();
      for (let i = 0; i < 3; i++) await turn();
      expect(s.slices).toBe(atPause);
      expect(s.state().playing).toBe(false);
    } finally {
      await s.close();
    }
  });
});

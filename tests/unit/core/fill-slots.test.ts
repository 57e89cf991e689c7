import { describe, expect, it } from 'vitest';
import { FillSlots } from '../../../src/core/fill-slots.ts';

interface O {
  id: string;
}
interface F {
  id: string;
}

describe('FillSlots', () => {
  it('when fills come for orders with or without a usable handle then each order reads its own, in arrival order', () => {
    const s = new FillSlots<O, F>();
    const a = { id: 'a' };
    const b = { id: 'b' };
    const c = { id: 'c' };
    const far = { id: 'far' };
    const odd = { id: 'odd' };
    const add = (fid: string, o: O | undefined, id: string, h: number) => s.add({ id: fid }, id, o, h);
    add('1', a, 'a', 1);
    add('2', b, 'b', 1); // handle 1 is a's: b's fills go by id
    add('3', far, 'far', 5_000); // too far past the last slot
    add('4', odd, 'odd', 2.5); // not an integer
    add('5', undefined, 'lost', 2); // no order
    add('6', c, 'c', -1); // no handle
    add('7', a, 'a', 1);
    add('8', b, 'b', 1);
    const read = (o: O | undefined, id: string, h: number) => s.of(id, o, h)?.map((f) => f.id);
    expect([read(a, 'a', 1), read(b, 'b', 1), read(far, 'far', 5_000), read(odd, 'odd', 2.5), read(undefined, 'lost', 2), read(c, 'c', -1), read(undefined, 'none', -1)]).toEqual([
      ['1', '7'],
      ['2', '8'],
      ['3'],
      ['4'],
      ['5'],
      ['6'],
      undefined,
    ]);
  });

  it('when the first handle is far from zero (a session on a long journal) then handles from it on get slots, and one below it goes by id', () => {
    const s = new FillSlots<O, F>();
    const orders = [1_000_000, 1_000_001, 1_000_003, 999_999].map((h) => ({ o: { id: `o${h}` }, h }));
    for (const { o, h } of orders) s.add({ id: `f${h}` }, o.id, o, h);
    for (const { o, h } of orders) s.add({ id: `g${h}` }, o.id, o, h);
    expect(orders.map(({ o, h }) => s.of(o.id, o, h)?.map((f) => f.id))).toEqual(orders.map(({ h }) => [`f${h}`, `g${h}`]));
  });
});

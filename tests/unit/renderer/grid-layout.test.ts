import { describe, expect, it } from 'vitest';
import { MENU_TRACK_PX, moveBefore, moveColumn, orderColumns, planColumns } from '../../../renderer/src/shared/grid-layout.ts';
import type { ColumnSpec } from '../../../renderer/src/shared/grid-layout.ts';

const cols: ColumnSpec[] = [
  { key: 'id', width: 'minmax(100px, 1fr)', priority: 1, required: true },
  { key: 'time', width: '60px', priority: 3 },
  { key: 'qty', width: 'minmax(60px, 1fr)', priority: 2 },
  { key: 'progress', width: 'minmax(80px, 2fr)', priority: 6 },
  { key: 'status', width: '90px', priority: 1, required: true },
];
const none = { order: [], hidden: [], widths: {} };

describe('planColumns', () => {
  it('when everything fits, then every column shows and fr columns share the rest', () => {
    const p = planColumns(cols, none, {}, 1000);
    expect(p.shown.map((c) => c.key)).toEqual(['id', 'time', 'qty', 'progress', 'status']);
    expect(p.squeezed).toEqual([]);
    expect(p.tracks).toEqual(['minmax(100px, 1fr)', '60px', 'minmax(60px, 1fr)', 'minmax(80px, 2fr)', '90px']);
    expect(p.minWidth).toBe(390 + MENU_TRACK_PX);
  });

  it('when the room is short, then the least important columns give way first and priority 1 stays', () => {
    expect(planColumns(cols, none, {}, 340).squeezed).toEqual(['progress']);
    expect(planColumns(cols, none, {}, 280).squeezed).toEqual(['progress', 'time']);
    const tiny = planColumns(cols, none, {}, 100);
    expect(tiny.shown.map((c) => c.key)).toEqual(['id', 'status']);
  });

  it('when columns give way for room, then wantWidth still asks for all the visible ones (a panel sized from content grows to it)', () => {
    const p = planColumns(cols, none, { qty: 70 }, 290);
    expect(p.squeezed).toEqual(['progress', 'time']);
    expect(p.minWidth).toBe(100 + 70 + 90 + MENU_TRACK_PX);
    expect(p.wantWidth).toBe(100 + 60 + 70 + 80 + 90 + MENU_TRACK_PX);
    // Columns the operator hid are not asked for.
    expect(planColumns(cols, { ...none, hidden: ['progress'] }, {}, 280).wantWidth).toBe(100 + 60 + 60 + 90 + MENU_TRACK_PX);
  });

  it('when the last column has a blank header (actions), then no menu track is kept: the Columns button sits over it and the room goes to the columns', () => {
    const withActions: ColumnSpec[] = [...cols, { key: 'actions', width: '44px', priority: 1, required: true, hideHeader: true }];
    const p = planColumns(withActions, none, {}, 434);
    expect(p.menuTrack).toBe(0);
    expect(p.squeezed).toEqual([]);
    expect(p.minWidth).toBe(390 + 44);
    // A pixel less and a column gives way, as before.
    expect(planColumns(withActions, none, {}, 433).squeezed).toEqual(['progress']);
    // Moved away from the end, the track comes back.
    const moved = planColumns(withActions, { ...none, order: ['actions', 'id', 'time', 'qty', 'progress', 'status'] }, {}, 1000);
    expect(moved.menuTrack).toBe(MENU_TRACK_PX);
    expect(moved.minWidth).toBe(390 + 44 + MENU_TRACK_PX);
    expect(planColumns(cols, none, {}, 1000).menuTrack).toBe(MENU_TRACK_PX);
  });

  it('when a cell was measured wider than its declared minimum, then the column keeps that width', () => {
    const p = planColumns(cols, none, { time: 75, id: 130 }, 1000);
    expect(p.tracks[0]).toBe('minmax(130px, 1fr)');
    expect(p.tracks[1]).toBe('75px');
  });

  it("when the operator hid, moved and sized columns, then their choices apply (a required column can't be hidden)", () => {
    const p = planColumns(cols, { order: ['status', 'id'], hidden: ['time', 'status'], widths: { qty: 140 } }, {}, 1000);
    expect(p.shown.map((c) => c.key)).toEqual(['status', 'id', 'qty', 'progress']);
    expect(p.tracks[2]).toBe('140px');
  });
});

describe('column order', () => {
  it('when a saved order misses a new column, then it goes after its default left neighbour', () => {
    expect(orderColumns(cols, ['status', 'id', 'progress']).map((c) => c.key)).toEqual(['status', 'id', 'time', 'qty', 'progress']);
  });
  it('moves one place, or before a drop target', () => {
    expect(moveColumn(['a', 'b', 'c'], 'b', -1)).toEqual(['b', 'a', 'c']);
    expect(moveColumn(['a', 'b', 'c'], 'c', 1)).toEqual(['a', 'b', 'c']);
    expect(moveBefore(['a', 'b', 'c'], 'c', 'a')).toEqual(['c', 'a', 'b']);
  });
});

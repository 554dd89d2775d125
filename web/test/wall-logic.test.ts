import { describe, expect, it } from 'vitest';
import { groupKey, wallOrder } from '../src/lib/fleet/group.js';
import { groupCountLabel } from '../src/lib/i18n/labels.js';
import { sortStores } from '../src/lib/fleet/sort.js';
import { kioskOptions, nextInRotation } from '../src/lib/kiosk/kiosk.js';
import { incidentEntry, maintenanceEntry, pushEntries, storeEntry, ticketEntry } from '../src/lib/ticker/ticker.js';
import { incident, summary, ticket } from './fixtures.js';

describe('wall grouping', () => {
  const stores = sortStores([
    summary('m1', 'ok', { city: 'Madrid', name: 'A' }),
    summary('m2', 'degraded', { city: 'Madrid', name: 'B' }),
    summary('k1', 'down', { city: 'Kazan', name: 'C' }),
    summary('b1', 'ok', { city: 'Bogotá', name: 'D' }),
  ]);

  it('places stores worst first without groups', () => {
    const order = wallOrder(stores, null);
    expect(order.cells).toBe(4);
    expect(order.slots.get('k1')).toBe(0);
    expect(order.slots.get('m2')).toBe(1);
  });

  it('puts each city behind a header, the worst city first, worst store first inside', () => {
    const order = wallOrder(stores, 'city');
    expect(order.headers.map((h) => [h.key, h.slot, h.worst, h.notOk, h.stores])).toEqual([
      ['Kazan', 0, 'down', 1, 1],
      ['Madrid', 2, 'degraded', 1, 2],
      ['Bogotá', 5, 'ok', 0, 1],
    ]);
    expect(['k1', 'm2', 'm1', 'b1'].map((id) => order.slots.get(id))).toEqual([1, 3, 4, 6]);
    expect(order.cells).toBe(7);
  });

  it('groups by region the same way, stores without a region last among equals', () => {
    const fleet = sortStores([
      summary('m1', 'ok', { city: 'Madrid', region: 'Iberia', name: 'A' }),
      summary('s1', 'degraded', { city: 'Sevilla', region: 'Iberia', name: 'B' }),
      summary('k1', 'down', { city: 'Kazan', region: 'Volga', name: 'C' }),
      summary('x1', 'ok', { city: 'Lima', region: null, name: 'D' }),
      summary('b1', 'ok', { city: 'Bogotá', region: 'Andes', name: 'E' }),
    ]);
    const order = wallOrder(fleet, 'region');
    expect(order.headers.map((h) => [h.key, h.slot, h.worst, h.notOk, h.stores])).toEqual([
      ['Volga', 0, 'down', 1, 1],
      ['Iberia', 2, 'degraded', 1, 2],
      ['Andes', 5, 'ok', 0, 1],
      ['', 7, 'ok', 0, 1],
    ]);
    // Worst first inside a region that spans two cities.
    expect(['k1', 's1', 'm1', 'b1', 'x1'].map((id) => order.slots.get(id))).toEqual([1, 3, 4, 6, 8]);
    expect(order.cells).toBe(9);
    expect(groupKey(fleet[0]!, 'city')).toBe('Kazan');
  });
});

describe('wall group headers', () => {
  it('say a group\'s figures in words, with the plural each language needs, not as the tiles\' "up/total"', () => {
    const plain = (t: string) => t.replace(/[\u00a0\u202f]/g, ' ');
    expect(groupCountLabel(5, 0, 'en')).toBe('5 stores · 0 with problems');
    expect(groupCountLabel(1, 1, 'en')).toBe('1 store · 1 with problems');
    expect(groupCountLabel(1, 0, 'ru')).toBe('1 магазин · 0 с проблемами');
    expect(groupCountLabel(3, 2, 'ru')).toBe('3 магазина · 2 с проблемами');
    expect(groupCountLabel(5, 0, 'ru')).toBe('5 магазинов · 0 с проблемами');
    expect(groupCountLabel(21, 0, 'ru')).toBe('21 магазин · 0 с проблемами');
    expect(plain(groupCountLabel(1500, 3, 'ru'))).toBe('1 500 магазинов · 3 с проблемами');
    expect(groupCountLabel(1, 0, 'es')).toBe('1 tienda · 0 con problemas');
    expect(groupCountLabel(5, 2, 'es')).toBe('5 tiendas · 2 con problemas');
    expect(groupCountLabel(5, 2, 'en')).not.toMatch(/\d\/\d/);
  });
});

describe('kiosk mode', () => {
  it('reads kiosk, rotation and grouping from the address, with a floor on rotation', () => {
    expect(kioskOptions(new URLSearchParams('kiosk=1&rotate=60&group=city'))).toEqual({ kiosk: true, rotateSec: 60, groupBy: 'city', canvas: false });
    expect(kioskOptions(new URLSearchParams('group=region')).groupBy).toBe('region');
    expect(kioskOptions(new URLSearchParams('group=country')).groupBy).toBeNull();
    expect(kioskOptions(new URLSearchParams('canvas=1')).canvas).toBe(true);
    expect(kioskOptions(new URLSearchParams('kiosk&rotate=2')).rotateSec).toBe(10);
    expect(kioskOptions(new URLSearchParams('rotate=60'))).toEqual({ kiosk: false, rotateSec: null, groupBy: null, canvas: false });
    expect(kioskOptions(new URLSearchParams('kiosk=0')).kiosk).toBe(false);
  });

  it('alternates the wall and the tickets board, keeping the options', () => {
    expect(nextInRotation(new URL('http://x/wall?kiosk=1&rotate=30'))).toBe('/tickets?kiosk=1&rotate=30');
    expect(nextInRotation(new URL('http://x/tickets?kiosk=1'))).toBe('/wall?kiosk=1');
    expect(nextInRotation(new URL('http://x/stores'))).toBeNull();
  });
});

describe('event ticker', () => {
  it('records state changes only, not till counts moving alone', () => {
    const before = summary('S1', 'ok');
    expect(storeEntry(before, summary('S1', 'ok', { tills: { ...before.tills, up: 3 } }), 1)).toBeNull();
    expect(storeEntry(undefined, summary('S1', 'down'), 1)).toBeNull();
    expect(storeEntry(before, summary('S1', 'down', { since: '2026-11-23T09:00:00Z' }), 1)).toMatchObject({ type: 'store', from: 'ok', to: 'down' });
  });

  it('records a store entering, changing and leaving maintenance, once each however often the store is sent', () => {
    const a = { windowId: 'pos-upgrade', until: '2026-12-06T04:00:00Z' };
    const b = { windowId: 'refit', until: '2026-12-06T06:00:00Z' };
    const out = summary('S1', 'down');
    const started = maintenanceEntry(out, summary('S1', 'down', { maintenance: a }), 1);
    expect(started).toMatchObject({ type: 'maintenance', storeId: 'S1', windowId: 'pos-upgrade', started: true });
    expect(maintenanceEntry(summary('S1', 'down', { maintenance: a }), summary('S1', 'ok', { maintenance: a }), 2)).toBeNull();
    expect(maintenanceEntry(summary('S1', 'ok', { maintenance: a }), summary('S1', 'ok', { maintenance: b }), 3)).toMatchObject({ windowId: 'refit', started: true });
    const ended = maintenanceEntry(summary('S1', 'ok', { maintenance: b }), summary('S1', 'ok'), 4);
    expect(ended).toMatchObject({ windowId: 'refit', started: false });
    expect(maintenanceEntry(undefined, summary('S1', 'ok', { maintenance: a }), 5)).toBeNull();
    // The same start heard again after a reconnection is one line.
    expect(pushEntries([started!], [maintenanceEntry(out, summary('S1', 'down', { maintenance: a }), 9)!])).toHaveLength(1);
  });

  it('keeps the newest entries first, each once, up to its size', () => {
    const a = incidentEntry(incident('a', 'S1'), true, 1);
    const b = incidentEntry(incident('a', 'S1'), false, 2);
    let list = pushEntries([], [a]);
    list = pushEntries(list, [b, a]);
    expect(list.map((e) => e.id)).toEqual(['i:a:c', 'i:a:o']);
    const many = Array.from({ length: 10 }, (_, i) => incidentEntry(incident(`x${i}`, 'S1'), true, i));
    expect(pushEntries(list, many, 5).map((e) => e.id)).toEqual(['i:x9:o', 'i:x8:o', 'i:x7:o', 'i:x6:o', 'i:x5:o']);
  });

  it('leaves quiet ticket refreshes out', () => {
    const t = ticket('T-1');
    expect(ticketEntry({ type: 'ticket.updated', at: '', notify: false, detail: {}, ticket: t }, 1)).toBeNull();
    expect(ticketEntry({ type: 'sla.breached', at: 'x', notify: true, detail: {}, ticket: t }, 1)).toMatchObject({ ticketId: 'T-1', event: 'sla.breached' });
  });
});

import { describe, expect, it } from 'vitest';
import { MAINTENANCE_WARNING_CODES } from '@storepulse/protocol';
import { coversText, groupCoverage, heldNow, heldText, maintenanceWarningText, runsOvernight, whenText, windowBody, windowProblem, type WindowForm } from '../src/lib/admin/maintenance.js';
import { maintenanceProblem, maintenanceWarnings } from '../../server/src/domain/incidents/maintenance.js';
import { toMaintenanceWindow } from '../../server/src/config/incidents-input.js';
import { summary } from './fixtures.js';

const form = (patch: Partial<WindowForm>): WindowForm => ({
  id: 'refit-S001',
  target: 'store',
  storeId: 'S001',
  group: '',
  kind: 'once',
  start: '2026-12-01T07:00',
  end: '2026-12-01T10:00',
  weekdays: [],
  from: '',
  to: '',
  ...patch,
});
const weekly = (patch: Partial<WindowForm> = {}) => form({ kind: 'weekly', weekdays: ['fri', 'mon'], from: '22:00', to: '02:00', ...patch });

describe('a new maintenance window from the form', () => {
  it('sends one store or one group, one-off in store-local wall time, or weekly Monday first', () => {
    expect(windowBody(form({ id: ' refit-S001 ' }))).toEqual({ id: 'refit-S001', storeIds: ['S001'], start: '2026-12-01T07:00', end: '2026-12-01T10:00' });
    expect(windowBody(weekly({ target: 'group', group: ' spain ' }))).toEqual({
      id: 'refit-S001',
      groups: ['spain'],
      recurrence: { weekdays: ['mon', 'fri'], hours: '22:00-02:00' },
    });
  });

  it('sends only windows the server takes', () => {
    for (const f of [form({}), weekly(), weekly({ target: 'group', group: 'spain', from: '06:00', to: '08:00' })]) {
      expect(windowProblem(f, [])).toBeNull();
      expect(maintenanceProblem(toMaintenanceWindow(windowBody(f)))).toBeNull();
    }
  });

  it('says what is wrong: a bad or taken name (saving would replace that window), an end before the start', () => {
    expect(windowProblem(form({ id: 'refit S001' }), [])).toBe('id_invalid');
    expect(windowProblem(form({}), ['refit-S001'])).toBe('id_taken');
    // A group is named as the stores' config names it: an id, which the server would refuse otherwise.
    expect(windowProblem(weekly({ target: 'group', group: 'south spain' }), [])).toBe('group_invalid');
    expect(windowProblem(form({ end: '2026-12-01T07:00' }), [])).toBe('end_before_start');
    expect(windowProblem(form({ end: '2026-11-30T23:00' }), [])).toBe('end_before_start');
  });

  it('is incomplete, without a word, until every field its kind needs is filled', () => {
    for (const f of [form({ id: '' }), form({ storeId: '' }), form({ target: 'group', group: '  ' }), form({ end: '' }), weekly({ weekdays: [] }), weekly({ to: '' })]) {
      expect(windowProblem(f, [])).toBe('incomplete');
    }
  });

  it('tells a weekly window that ends at or before its start runs past midnight', () => {
    expect(runsOvernight('22:00', '02:00')).toBe(true);
    expect(runsOvernight('06:00', '08:00')).toBe(false);
    expect(runsOvernight('06:00', '')).toBe(false);
  });
});

describe('a window in the list', () => {
  const names = { store: (id: string) => (id === 'S001' ? 'S001 · Madrid' : id) };

  it('names the stores and groups it covers', () => {
    expect(coversText({ storeIds: ['S001', 'S404'], groups: ['spain'] }, names)).toBe('S001 · Madrid, S404, group spain');
  });

  it('keeps a store-local time as written, whatever the browser zone, and names weekdays in the reader\'s language', () => {
    expect(whenText({ start: '2026-12-01T07:00', end: '2026-12-01T10:30' }, 'en-GB')).toBe('1 Dec 2026, 07:00 – 1 Dec 2026, 10:30');
    expect(whenText({ recurrence: { weekdays: ['mon', 'sat'], hours: '06:00-08:00' } }, 'es')).toBe('lunes, sábado, 06:00–08:00');
  });

  it('says an instant made through the API is in HQ time, not store time', () => {
    const hq = (iso: string) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(Date.parse(iso));
    expect(whenText({ start: '2026-12-01T07:00:00Z', end: '2026-12-01T10:30:00+01:00' }, 'en-GB')).toBe(
      `${hq('2026-12-01T07:00:00Z')} (HQ time) – ${hq('2026-12-01T09:30:00Z')} (HQ time)`,
    );
  });
});

describe('what a window covers', () => {
  const names = { provider: (id: string) => id, store: (id: string) => (id === 'S001' ? 'S001 · Madrid' : id) };
  const groups = [{ group: 'spain', storeIds: ['S001', 'S002'] }];

  it('says which stores a group covers, or that none is in it, before saving', () => {
    expect(groupCoverage('', groups, names)).toBeNull();
    expect(groupCoverage(' spain ', groups, names)).toBe('In this group: S001 · Madrid, S002');
    expect(groupCoverage('spian', groups, names)).toBe('No configured store is in group spian: the window covers nothing there until one is.');
  });

  it('words every warning the server gives in the reader\'s language, naming its store or group', () => {
    const warnings = maintenanceWarnings({ id: 'w', storeIds: ['S001'], groups: ['spian'], start: '2026-12-01T07:00', end: '2026-12-01T10:00' }, [{ id: 'S002', timezone: 'UTC' }]);
    expect(warnings.map((w) => w.code).sort()).toEqual([...MAINTENANCE_WARNING_CODES].sort());
    expect(warnings.map((w) => maintenanceWarningText(w, names))).toEqual([
      'Store S001 · Madrid is not configured: the window covers it once it is.',
      'No configured store is in group spian: the window covers nothing there until one is.',
    ]);
  });
});

describe('stores a window holds now', () => {
  it('counts the live stores under the window that holds each, and says it with the plural of the language', () => {
    const until = '2026-12-06T04:00:00Z';
    const held = heldNow([
      summary('S1', 'down', { maintenance: { windowId: 'pos', until } }),
      summary('S2', 'ok', { maintenance: { windowId: 'pos', until } }),
      summary('S3', 'ok', { maintenance: { windowId: 'refit', until } }),
      summary('S4', 'ok'),
    ]);
    expect(Object.fromEntries(held)).toEqual({ pos: 2, refit: 1 });
    expect([heldText(2, 'en'), heldText(1, 'en'), heldText(0, 'en')]).toEqual(['2 stores', '1 store', '—']);
    expect([heldText(1, 'ru'), heldText(3, 'ru'), heldText(5, 'ru'), heldText(1200, 'es')]).toEqual(['1 магазин', '3 магазина', '5 магазинов', '1200 tiendas']);
  });
});

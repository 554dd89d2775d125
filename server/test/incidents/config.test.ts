import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/config/file.js';
import { ConfigError } from '../../src/config/config-error.js';

const shipped = fileURLToPath(new URL('../../../config/storepulse.yaml', import.meta.url));
const STORE = `
  - id: S001
    name: Test
    city: Madrid
    timezone: Europe/Madrid
    currency: EUR
    tills: [T1, T2]
    hours: { mon: "10:00-21:00", tue: null, wed: null, thu: null, fri: null, sat: null, sun: null }`;
const problemsOf = (yaml: string): string[] => {
  try {
    parseConfig(yaml, 'test.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('config file: incidents, maintenance windows and what stores add for them', () => {
  it('defaults to 60 s pending, 120 s recovery, no windows, no backup tills and no groups (the shipped example)', () => {
    const cfg = parseConfig(readFileSync(shipped, 'utf8'), shipped);
    expect(cfg.incidents).toEqual({ pendingSec: 60, recoverSec: 120 });
    expect(cfg.maintenance).toEqual([]);
    for (const store of cfg.stores) for (const key of ['backupTills', 'groups', 'defaultVisitorsPerHour']) expect(store).not.toHaveProperty(key);
  });

  it('reads timings, windows and per-store backup tills, groups and default visitors', () => {
    const cfg = parseConfig(
      `stores:${STORE}
    backupTills: [T2]
    groups: [north]
    defaultVisitorsPerHour: 120
incidents: { pendingSec: 30, recoverSec: 300 }
maintenance:
  - { id: nightly, groups: [north], recurrence: { weekdays: [sun], hours: "02:00-04:00" } }
  - { id: refit, storeIds: [S001], start: "2026-12-01T08:00", end: "2026-12-01T12:00" }
`,
      'test.yaml',
    );
    expect(cfg.incidents).toEqual({ pendingSec: 30, recoverSec: 300 });
    expect(cfg.stores[0]).toMatchObject({ backupTills: ['T2'], groups: ['north'], defaultVisitorsPerHour: 120 });
    expect(cfg.maintenance).toEqual([
      { id: 'nightly', groups: ['north'], recurrence: { weekdays: ['sun'], hours: '02:00-04:00' } },
      { id: 'refit', storeIds: ['S001'], start: '2026-12-01T08:00', end: '2026-12-01T12:00' },
    ]);
  });

  it('gives one line per bad field', () => {
    const problems = problemsOf(`stores:${STORE}
    backupTills: [T9]
incidents: { pendingSec: -1, recoverSec: "soon", extra: 1 }
maintenance:
  - { id: a, recurrence: { weekdays: [sun], hours: "02:00-04:00" } }
  - { id: b, storeIds: [S001], start: "2026-12-01T08:00", end: "2026-12-01T12:00", recurrence: { weekdays: [mon], hours: "01:00-02:00" } }
  - { id: c, storeIds: [S001], start: "2026-13-45T99:00", end: "2026-12-01T12:00" }
  - { id: c, storeIds: [S001], recurrence: { weekdays: [someday], hours: "25:00-26:00" } }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^incidents\.pendingSec must be >= 0/),
        expect.stringMatching(/^incidents\.recoverSec must be integer/),
        expect.stringMatching(/^incidents\.extra is not a known setting/),
        expect.stringMatching(/^maintenance\[3\]\.recurrence\.weekdays\[0\] must be one of mon/),
        expect.stringMatching(/^maintenance\[3\]\.recurrence\.hours must match/),
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('checks what the schema cannot: backup tills among the tills, window rules of the domain, unique window ids', () => {
    const problems = problemsOf(`stores:${STORE}
    backupTills: [T9]
maintenance:
  - { id: a, recurrence: { weekdays: [sun], hours: "02:00-04:00" } }
  - { id: b, storeIds: [S001], start: "2026-12-01T08:00", end: "2026-12-01T12:00", recurrence: { weekdays: [mon], hours: "01:00-02:00" } }
  - { id: c, storeIds: [S001], start: "2026-13-45T99:00", end: "2026-12-01T12:00" }
  - { id: c, storeIds: [S001], recurrence: { weekdays: [sun], hours: "02:00-04:00" } }
`);
    expect(problems).toEqual([
      'stores[0].backupTills[0] "T9" is not one of the store\'s tills',
      'maintenance[0]: a maintenance window needs storeIds or groups',
      'maintenance[1]: a maintenance window is either one-off (start, end) or recurring',
      'maintenance[2]: start and end must be ISO date-times',
      'maintenance[3].id "c" is used by another window',
    ]);
  });

  it('refuses backup tills that leave no till selling every day', () => {
    expect(problemsOf(`stores:${STORE}\n    backupTills: [T1, T2]\n`)).toEqual([
      'stores[0].backupTills lists every till; at least one till must sell every day',
    ]);
  });
});

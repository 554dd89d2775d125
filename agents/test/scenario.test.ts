import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkScenario, loadScenario } from '../src/sim/faults.js';

const fleet = [{ id: 'S001', tills: ['T1', 'T2'] }, { id: 'S002', tills: ['T1'] }];
const dir = mkdtempSync(join(tmpdir(), 'storepulse-scenario-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('fault scenarios', () => {
  it('loads a YAML scenario with durations and instants', async () => {
    const path = write('ok.yaml', [
      'faults:',
      '  - { at: 10m, store: S001, till: T2, kind: printer_paper_out, duration: 7m }',
      '  - { at: 3600, store: S002, kind: store_offline, duration: 15m }',
      '  - { at: "2026-11-23T15:00:00Z", store: S001, till: T1, kind: flapping, duration: 90s }',
    ].join('\n'));
    expect(await loadScenario(path, fleet)).toEqual({
      faults: [
        { at: '10m', store: 'S001', till: 'T2', kind: 'printer_paper_out', duration: '7m' },
        { at: 3600, store: 'S002', kind: 'store_offline', duration: '15m' },
        { at: '2026-11-23T15:00:00Z', store: 'S001', till: 'T1', kind: 'flapping', duration: '90s' },
      ],
    });
  });

  it('names the allowed kinds for an unknown one, and every other bad field', () => {
    expect(() => checkScenario({ faults: [{ at: 'soon', store: 'S001', kind: 'fire', duration: '5m', extra: 1 }] }, fleet)).toThrow(
      'invalid scenario: /faults/0 must NOT have additional properties; /faults/0/at must be number; /faults/0/at must match pattern "^\\d+(\\.\\d+)?(s|m|h)$"; '
      + '/faults/0/at must match format "date-time"; /faults/0/at must match a schema in anyOf; '
      + '/faults/0/kind must be one of printer_paper_out, printer_cover_open, pos_error, payment_unreachable, store_offline, counter_silent, flapping',
    );
  });

  it('refuses stores and tills that are not in the fleet', () => {
    expect(() => checkScenario({
      faults: [
        { at: 0, store: 'S404', kind: 'counter_silent', duration: 60 },
        { at: 0, store: 'S002', till: 'T9', kind: 'pos_error', duration: 60 },
        { at: 0, store: 'S001', kind: 'payment_unreachable', duration: 60 },
      ],
    }, fleet)).toThrow('invalid scenario: /faults/0/store S404 is not in the fleet; /faults/1/till a pos_error fault needs one of T1; '
      + '/faults/2/till a payment_unreachable fault needs one of T1, T2');
  });

  it('names the file when it is missing or not YAML', async () => {
    await expect(loadScenario(join(dir, 'absent.yaml'), fleet)).rejects.toThrow(/^cannot read scenario .*absent\.yaml: ENOENT/);
    await expect(loadScenario(write('broken.yaml', 'faults: [\n'), fleet)).rejects.toThrow(/^scenario .*broken\.yaml is not YAML or JSON: /);
  });
});

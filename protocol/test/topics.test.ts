import { describe, expect, it } from 'vitest';
import { parseTopic, topics } from '../src/topics.js';

describe('topics', () => {
  it('round-trips every topic kind', () => {
    expect(parseTopic(topics.status('S001', 'T1'))).toEqual({ kind: 'status', storeId: 'S001', tillId: 'T1' });
    expect(parseTopic(topics.online('S-1', 't_2'))).toEqual({ kind: 'online', storeId: 'S-1', tillId: 't_2' });
    expect(parseTopic(topics.sales('S1', 'T9'))).toEqual({ kind: 'sales', storeId: 'S1', tillId: 'T9' });
    expect(parseTopic(topics.footfall('S1', 'door1'))).toEqual({ kind: 'footfall', storeId: 'S1', sensorId: 'door1' });
  });

  it.each([
    'storepulse/v2/stores/S1/tills/T1/status',
    'storepulse/v1/stores/S1/tills/T1/reboot',
    'storepulse/v1/stores/S1/tills/T1/status/extra',
    'storepulse/v1/stores/S 1/tills/T1/status',
    'storepulse/v1/stores//tills/T1/status',
    `storepulse/v1/stores/${'x'.repeat(65)}/tills/T1/status`,
    'storepulse/v1/stores/S1/footfall',
    'other/topic',
  ])('refuses %s', (topic) => {
    expect(parseTopic(topic)).toBeNull();
  });
});

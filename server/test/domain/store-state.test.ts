import { describe, expect, it } from 'vitest';
import type { TillState } from '@storepulse/protocol';
import { countTills, deriveStoreState } from '../../src/domain/store-state.js';

const store = (open: boolean, ...tills: TillState[]) => deriveStoreState(open, countTills(tills));

describe('deriveStoreState', () => {
  it('is closed outside opening hours, whatever the tills say', () => {
    expect(store(false, 'down', 'down')).toBe('closed');
  });
  it('is ok when every till is up', () => expect(store(true, 'up', 'up', 'up')).toBe('ok'));
  it('is degraded when some tills cannot sell but one still can', () => {
    expect(store(true, 'up', 'down', 'offline')).toBe('degraded');
    expect(store(true, 'degraded', 'degraded')).toBe('degraded');
  });
  it('is down when no till can sell', () => {
    expect(store(true, 'down', 'down')).toBe('down');
    expect(store(true, 'down', 'offline')).toBe('down');
  });
  it('is offline, not down, when every agent is gone at once', () => {
    expect(store(true, 'offline', 'offline', 'offline')).toBe('offline');
  });
  it('does not claim down when nothing is known to be broken', () => {
    expect(store(true, 'unknown', 'offline')).toBe('degraded');
  });
  it('counts tills per state', () => {
    expect(countTills(['up', 'down', 'down', 'offline'])).toEqual({ total: 4, up: 1, degraded: 0, down: 2, offline: 1, unknown: 0 });
  });
});

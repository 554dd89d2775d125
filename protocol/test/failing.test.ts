import { describe, expect, it } from 'vitest';
import { severalTillsFailing } from '../src/failing.js';

describe('severalTillsFailing', () => {
  it('tells one till from several, by lines and by a list of tills in one line', () => {
    expect(severalTillsFailing([])).toBe(false);
    expect(severalTillsFailing(['T4 still reports printer paper_out'])).toBe(false);
    expect(severalTillsFailing(['T1, T2 are still offline'])).toBe(true);
    expect(severalTillsFailing(['T1 is still offline', 'T4 still reports printer paper_out'])).toBe(true);
  });
});

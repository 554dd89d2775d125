import { describe, expect, it } from 'vitest';
import { SignInThrottle } from '../../src/adapters/mqtt/sign-in-throttle.js';

describe('sign-in throttle', () => {
  it('forgets the oldest window first when it tracks as many addresses as it may', () => {
    let clock = 0;
    const throttle = new SignInThrottle(() => clock, 2, 60_000, 2);
    throttle.fail('a');
    expect(throttle.fail('a')).toBe(true);
    clock = 1;
    throttle.fail('b');
    expect(throttle.blocked('a')).toBe(true);
    throttle.fail('c');
    expect(throttle.blocked('a')).toBe(false);
    throttle.fail('b');
    expect(throttle.blocked('b')).toBe(true);
  });
});

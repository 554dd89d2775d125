import { describe, expect, it } from 'vitest';
import { AddressThrottle, addressGroup } from '../../src/adapters/address-throttle.js';

describe('address throttle', () => {
  it('forgets the oldest window first when it tracks as many addresses as it may', () => {
    let clock = 0;
    const throttle = new AddressThrottle(() => clock, 60_000, 2);
    throttle.hit('10.0.0.1');
    expect(throttle.hit('10.0.0.1')).toBe(2);
    clock = 1;
    throttle.hit('10.0.0.2');
    expect(throttle.count('10.0.0.1')).toBe(2);
    throttle.hit('10.0.0.3');
    expect(throttle.count('10.0.0.1')).toBe(0);
    throttle.hit('10.0.0.2');
    expect(throttle.count('10.0.0.2')).toBe(2);
  });

  it('starts a new window once the old one has passed', () => {
    let clock = 0;
    const throttle = new AddressThrottle(() => clock, 60_000);
    throttle.hit('10.0.0.1');
    clock = 59_999;
    expect(throttle.hit('10.0.0.1')).toBe(2);
    clock = 60_000;
    expect(throttle.count('10.0.0.1')).toBe(0);
    expect(throttle.hit('10.0.0.1')).toBe(1);
  });

  it('counts a whole IPv6 /64 as one client, and an IPv4-mapped address as its IPv4 one', () => {
    const throttle = new AddressThrottle(() => 0, 60_000);
    throttle.hit('2001:db8:1:2::1');
    throttle.hit('2001:db8:1:2:ffff:ffff:ffff:fffe');
    throttle.hit('2001:0DB8:0001:0002:0:0:0:abcd');
    expect(throttle.count('2001:db8:1:2::99')).toBe(3);
    expect(throttle.count('2001:db8:1:3::1')).toBe(0);
    throttle.hit('::ffff:192.0.2.7');
    expect(throttle.count('192.0.2.7')).toBe(1);
    expect(throttle.count('192.0.2.8')).toBe(0);
  });

  it('names the group of every spelling of an address', () => {
    expect(addressGroup('192.0.2.7')).toBe('192.0.2.7');
    expect(addressGroup('::FFFF:192.0.2.7')).toBe('192.0.2.7');
    expect(addressGroup('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('2001:db8:aa:bb:cc::')).toBe('2001:db8:aa:bb::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressGroup('64:ff9b::192.0.2.7')).toBe('64:ff9b:0:0::/64');
    expect(addressGroup('::')).toBe('0:0:0:0::/64');
    expect(addressGroup('not an address')).toBe('not an address');
  });
});

import { describe, expect, it } from 'vitest';
import { afterSignIn, homeOf, loginHref, safeReturnPath } from '../src/lib/session/destination.js';

const ORIGIN = 'http://wall.example:8080';
const loginAt = (query: string) => new URL(`/login${query}`, ORIGIN);

describe('where signing in leads', () => {
  it('starts each role at its home: a provider on its tickets, HQ on the wall', () => {
    expect(homeOf('provider')).toBe('/provider');
    expect(homeOf('hq-viewer')).toBe('/wall');
    expect(homeOf('hq-admin')).toBe('/wall');
    expect(afterSignIn('provider', loginAt(''))).toBe('/provider');
    expect(afterSignIn('hq-viewer', loginAt(''))).toBe('/wall');
  });

  it('sends a signed-out deep link to the sign-in page with the page to come back to', () => {
    expect(loginHref(new URL('/tickets/T-0123456789ab', ORIGIN))).toBe('/login?next=%2Ftickets%2FT-0123456789ab');
    expect(loginHref(new URL('/wall?kiosk=1&group=region', ORIGIN))).toBe('/login?next=%2Fwall%3Fkiosk%3D1%26group%3Dregion');
    expect(loginHref(new URL('/', ORIGIN))).toBe('/login');
    expect(loginHref(new URL('/login?next=%2Fwall', ORIGIN))).toBe('/login');
  });

  it('comes back to that page after signing in, whatever the role', () => {
    const link = loginHref(new URL('/tickets/T-0123456789ab?x=1', ORIGIN));
    expect(afterSignIn('provider', new URL(link, ORIGIN))).toBe('/tickets/T-0123456789ab?x=1');
    expect(afterSignIn('hq-viewer', new URL(link, ORIGIN))).toBe('/tickets/T-0123456789ab?x=1');
  });

  it('takes only a path of this origin: no open redirect', () => {
    for (const next of [
      'https://evil.example/',
      '//evil.example/wall',
      '/\\evil.example',
      '\\\\evil.example',
      'javascript:alert(1)',
      ' /wall',
      '/wall\n',
      'wall',
      '/login',
      '/login?next=%2Fwall',
      '',
    ]) {
      const got = afterSignIn('provider', loginAt(`?next=${encodeURIComponent(next)}`));
      expect(got, JSON.stringify(next)).toBe('/provider');
    }
    expect(safeReturnPath(null, ORIGIN)).toBeNull();
    expect(safeReturnPath('/stores/S001#tills', ORIGIN)).toBe('/stores/S001#tills');
    // An encoded backslash stays a path of this origin: browsers do not decode it into a host.
    expect(safeReturnPath('/%5Cevil.example', ORIGIN)).toBe('/%5Cevil.example');
  });
});

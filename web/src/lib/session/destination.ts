import type { Role } from '@storepulse/protocol';

/** Where a role starts: a provider's engineer on their tickets, HQ on the wall. */
export function homeOf(role: Role): string {
  return role === 'provider' ? '/provider' : '/wall';
}

/**
 * A page to come back to after signing in, as a path of this origin, or null. Only a plain path is taken
 * ("/tickets/T-1?x=1"): anything that could leave the origin ("//host", "/\\host", "https://…", "javascript:") is
 * refused, and so is the sign-in page itself.
 */
export function safeReturnPath(raw: string | null | undefined, origin: string): string | null {
  if (!raw || raw.length > 2000) return null;
  // A single leading slash, no backslash (browsers read "/\\host" as "//host") and no control characters.
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\') || /[\u0000-\u001f\u007f]/.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return null;
  }
  if (url.origin !== new URL(origin).origin) return null;
  if (url.pathname === '/login' || url.pathname.startsWith('/login/')) return null;
  return url.pathname + url.search + url.hash;
}

/** The sign-in page, remembering the page the person wanted (none for the app's root: the role's home will do). */
export function loginHref(url: Pick<URL, 'pathname' | 'search'>): string {
  const wanted = url.pathname + url.search;
  return url.pathname === '/' || url.pathname === '/login' ? '/login' : `/login?next=${encodeURIComponent(wanted)}`;
}

/** Where signing in leads: back to the page that sent the person to sign in, else their role's home. */
export function afterSignIn(role: Role, loginUrl: Pick<URL, 'searchParams' | 'origin'>): string {
  return safeReturnPath(loginUrl.searchParams.get('next'), loginUrl.origin) ?? homeOf(role);
}

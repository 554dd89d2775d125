/**
 * `value` as a browser sends it in an Origin header (scheme://host[:port], lower case, no default port), or undefined
 * when it is not a bare http(s) origin.
 */
export function canonicalOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  return bare && (url.protocol === 'http:' || url.protocol === 'https:') ? url.origin : undefined;
}

/** ALLOWED_ORIGINS: comma-separated origins whose pages may use the session cookie besides the server's own. */
export function parseAllowedOrigins(value: string | undefined): { value: string[] } | { problems: string[] } {
  const entries = (value ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '');
  const problems: string[] = [];
  const origins: string[] = [];
  for (const entry of entries) {
    // URL() takes "*" as a host name, so a wildcard would silently match nothing.
    const origin = entry.includes('*') ? undefined : canonicalOrigin(entry);
    if (origin) origins.push(origin);
    else problems.push(`ALLOWED_ORIGINS entry ${JSON.stringify(entry)} is not an origin: http(s)://host[:port], no path, no wildcard`);
  }
  return problems.length > 0 ? { problems } : { value: origins };
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fetchSession, HttpError } from '../src/lib/api.js';

/** A fetch that answers from a table and remembers what was asked. */
function fakeFetch(answers: Record<string, () => Response>) {
  const asked: string[] = [];
  const fn = (async (input: RequestInfo | URL) => {
    const url = String(input);
    asked.push(url);
    const answer = answers[url];
    if (!answer) throw new Error(`unexpected ${url}`);
    return answer();
  }) as typeof fetch;
  return { fn, asked };
}
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('asking who is signed in', () => {
  it('asks so that a signed-out browser gets an answer, not a 401 its console reports as an error', async () => {
    const { fn, asked } = fakeFetch({ '/api/session?optional=true': () => json({ signedIn: false }) });
    expect(await fetchSession(fn)).toBeNull();
    expect(asked).toEqual(['/api/session?optional=true']);
  });

  it('takes a signed-in answer, and a 401 from a server before optional=true, and fails on anything else', async () => {
    const session = { role: 'provider', providerId: 'pilot', label: 'Pilot engineer', tokenId: 'tok_1' };
    expect(await fetchSession(fakeFetch({ '/api/session?optional=true': () => json({ signedIn: true, ...session }) }).fn)).toEqual(session);
    expect(await fetchSession(fakeFetch({ '/api/session?optional=true': () => json(session) }).fn)).toEqual(session);
    expect(await fetchSession(fakeFetch({ '/api/session?optional=true': () => json({ message: 'no' }, 401) }).fn)).toBeNull();
    await expect(fetchSession(fakeFetch({ '/api/session?optional=true': () => json({}, 500) }).fn)).rejects.toBeInstanceOf(HttpError);
  });

  it('has index.html ask the same way, and ask for the stores only once someone is signed in', async () => {
    const html = readFileSync(new URL('../src/app.html', import.meta.url), 'utf8');
    const script = /<script>([^]*?)<\/script>/.exec(html)![1]!;
    const run = async (session: () => Response) => {
      const { fn, asked } = fakeFetch({ '/api/session?optional=true': session, '/api/stores': () => json([]) });
      const window: { __storepulsePrefetch?: { stores: Promise<unknown> | null } } = {};
      new Function('fetch', 'location', 'window', script)(fn, { pathname: '/wall' }, window);
      const stores = await window.__storepulsePrefetch!.stores;
      return { asked, stores };
    };
    expect(await run(() => json({ signedIn: false }))).toEqual({ asked: ['/api/session?optional=true'], stores: null });
    expect(await run(() => json({ signedIn: true, role: 'hq-viewer', providerId: null, label: 'wall' }))).toEqual({
      asked: ['/api/session?optional=true', '/api/stores'],
      stores: [],
    });
  });
});

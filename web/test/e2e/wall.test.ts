import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '@storepulse/server';
import { demoFleet } from './fleet.js';
import { ARTIFACTS, startStack, type Stack } from './harness.js';

describe('the HQ wall in a real browser against the real server', () => {
  const fleet = demoFleet(36);
  let stack: Stack;
  let server: RunningServer;
  let browser: Browser;
  let viewerToken: string;

  const tile = (page: Page, id: string) => page.locator(`.tile[data-store-id="${id}"]`);
  const faultAll = (storeId: string, patch: Record<string, string>) => stack.fault(storeId, patch);
  const signedInPage = async (options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, timezoneId: 'Europe/Madrid', locale: 'en-GB', ...options });
    const page = await context.newPage();
    await page.goto(`${server.url}/wall?token=${viewerToken}`);
    await page.locator('.tile').first().waitFor();
    return { context, page };
  };

  beforeAll(async () => {
    stack = await startStack(fleet);
    ({ server, browser } = stack);
    viewerToken = await stack.issue('hq-viewer', { label: 'Lobby wall' });
  }, 90_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('signs in by the wall link, drops the token from the address and shows every store, worst first', async () => {
    const { context, page } = await signedInPage();
    try {
      expect(new URL(page.url()).pathname).toBe('/wall');
      expect(page.url()).not.toContain('token');
      await page.locator('[data-connection="live"]').waitFor();
      await expect.poll(() => tile(page, 'S008').getAttribute('data-state')).toBe('degraded');
      expect(await page.locator('.tile').count()).toBe(fleet.length);
      expect(await tile(page, 'S011').getAttribute('data-state')).toBe('offline');
      expect(await tile(page, 'S014').getAttribute('data-state')).toBe('closed');
      // Tiles are placed by rank, not by DOM order: read the order off the screen.
      const order = await page.locator('.tile').evaluateAll((els) =>
        els
          .map((e) => ({ r: e.getBoundingClientRect(), state: e.getAttribute('data-state') }))
          .sort((a, b) => a.r.top - b.r.top || a.r.left - b.r.left)
          .map((t) => t.state),
      );
      expect(order.slice(0, 3)).toEqual(['offline', 'degraded', 'degraded']);
      expect(order.at(-1)).toBe('closed');
      // State is told in words and by icon, not by colour alone.
      await expect.poll(() => tile(page, 'S011').innerText()).toContain('Offline');
      expect(await tile(page, 'S011').locator('use').getAttribute('href')).toBe('#icon-offline');
      // Moscow's clock differs from HQ (Madrid), so its tile shows it; Madrid's does not.
      expect(await tile(page, 'S004').locator('time').count()).toBe(1);
      expect(await tile(page, 'S001').locator('time').count()).toBe(0);
      // Everything fits the screen: no scrolling on a 1080p wall.
      const overflow = await page.locator('.grid-area').evaluate((el) => el.scrollHeight - el.clientHeight);
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await context.close();
    }
  });

  it('keeps the header\'s zero figures quiet but readable: opaque, and 4.5:1 or more on the page', async () => {
    const { context, page } = await signedInPage();
    try {
      await page.locator('[data-connection="live"]').waitFor();
      await page.locator('[data-count="breaches"]').waitFor();
      const zeros = await page.locator('[data-count]').evaluateAll((els) => {
        const rgb = (css: string) => css.match(/[\d.]+/g)!.slice(0, 3).map(Number);
        const lum = (c: number[]) => {
          const [r, g, b] = c.map((v) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
        };
        const page = lum(rgb(getComputedStyle(document.documentElement).backgroundColor));
        return els
          .filter((el) => el.querySelector('strong')?.textContent?.trim() === '0')
          .flatMap((el) =>
            [el, el.querySelector('.label')!, el.querySelector('strong')!].map((part) => {
              let opacity = 1;
              for (let e: Element | null = part; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
              const text = lum(rgb(getComputedStyle(part).color));
              const ratio = (Math.max(text, page) + 0.05) / (Math.min(text, page) + 0.05);
              return { figure: el.getAttribute('data-count'), opacity, ratio: Math.round(ratio * 100) / 100 };
            }),
          );
      });
      // Offline, closed and down stores, SLA breaches...: several figures are zero on this fleet.
      expect(zeros.length).toBeGreaterThan(3);
      for (const z of zeros) {
        expect(z.opacity, z.figure!).toBe(1);
        expect(z.ratio, z.figure!).toBeGreaterThanOrEqual(4.5);
      }
    } finally {
      await context.close();
    }
  });

  it('turns a store\'s tile down within 2 s of its tills failing, moves it first and counts it', async () => {
    const { context, page } = await signedInPage();
    try {
      await page.locator('[data-connection="live"]').waitFor();
      expect(await tile(page, 'S001').getAttribute('data-state')).toBe('ok');
      await faultAll('S001', { pos: 'error' });
      await page.locator('.tile[data-store-id="S001"][data-state="down"]').waitFor({ timeout: 2000 });
      const first = await page.locator('.tile').evaluateAll((els) => {
        const topLeft = els.map((e) => ({ r: e.getBoundingClientRect(), id: e.getAttribute('data-store-id') }));
        topLeft.sort((a, b) => a.r.top - b.r.top || a.r.left - b.r.left);
        return topLeft[0]?.id;
      });
      expect(first).toBe('S001');
      await expect.poll(() => page.locator('[data-count="down"] strong').innerText()).toBe('1');
      const tillsDown = Number(await page.locator('[data-count="tills-down"] strong').innerText());
      expect(tillsDown).toBeGreaterThanOrEqual(fleet[0]!.tills.length);
    } finally {
      await context.close();
    }
  });

  it('shows reconnecting while the socket is gone, then takes the snapshot as the new truth', async () => {
    const { context, page } = await signedInPage();
    try {
      await page.locator('[data-connection="live"]').waitFor();
      await context.setOffline(true);
      await page.locator('[data-connection="reconnecting"]').waitFor({ timeout: 5000 });
      // S002 fails while this screen is away: only the snapshot on reconnection can tell it.
      await faultAll('S002', { pos: 'error' });
      await new Promise((r) => setTimeout(r, 300));
      expect(await tile(page, 'S002').getAttribute('data-state')).toBe('ok');
      await context.setOffline(false);
      await page.locator('[data-connection="live"]').waitFor({ timeout: 10_000 });
      await page.locator('.tile[data-store-id="S002"][data-state="down"]').waitFor({ timeout: 2000 });
      await faultAll('S002', {});
    } finally {
      await context.close();
    }
  });

  it('greys the tiles and says so once the data are stale, and clears it on reconnection', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Madrid' });
    try {
      const page = await context.newPage();
      // A controllable clock (it still runs at normal speed until fast-forwarded).
      await page.clock.install();
      await page.goto(`${server.url}/wall?token=${viewerToken}`);
      await page.locator('[data-connection="live"]').waitFor();
      expect(await page.locator('.tile[data-stale]').count()).toBe(0);
      await context.setOffline(true);
      await page.locator('[data-connection="reconnecting"]').waitFor({ timeout: 5000 });
      expect(await page.locator('[data-testid="stale-banner"]').count()).toBe(0);
      await page.clock.fastForward('00:31');
      await page.locator('[data-testid="stale-banner"]').waitFor({ timeout: 3000 });
      expect(await page.locator('.tile[data-stale="true"]').count()).toBe(fleet.length);
      expect(await page.locator('.tile').first().innerText()).toMatch(/stale/i);
      await page.screenshot({ path: join(ARTIFACTS, 'wall-stale.png') });
      await context.setOffline(false);
      await page.clock.fastForward('00:05');
      await page.locator('[data-connection="live"]').waitFor({ timeout: 10_000 });
      await page.locator('[data-testid="stale-banner"]').waitFor({ state: 'detached', timeout: 3000 });
      expect(await page.locator('.tile[data-stale]').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('opens a store page with each till\'s components and follows live changes', async () => {
    const { context, page } = await signedInPage();
    try {
      await tile(page, 'S008').click();
      await page.waitForURL('**/stores/S008');
      const t1 = page.locator('[data-till-id="T1"]');
      await t1.waitFor();
      expect(await t1.getAttribute('data-state')).toBe('down');
      expect(await t1.locator('[data-component="printer"]').innerText()).toContain('Paper out');
      expect(await page.locator('[data-till-id="T2"]').getAttribute('data-state')).toBe('degraded');
      expect(await page.locator('[data-till-id="T2"] [data-component="payment"]').innerText()).toContain('Unreachable');
      await faultAll('S008', {});
      await page.locator('[data-till-id="T1"][data-state="up"]').waitFor({ timeout: 2000 });
      await page.locator('[data-testid="store-state"]').getByText('OK').waitFor({ timeout: 2000 });
      await page.goto(`${server.url}/stores/NOPE`);
      await page.getByText('This store does not exist.').waitFor();
      expect(await page.getByRole('link', { name: 'All stores' }).count()).toBeGreaterThan(0);
      // A ticket id of the wrong form names no ticket either: not found, with the way back to the tickets.
      await page.goto(`${server.url}/tickets/T-nope`);
      await page.getByText('This ticket does not exist.').waitFor();
      expect(await page.locator('.page h1').innerText()).toBe('404');
      expect(await page.locator('.page').getByRole('link', { name: 'All tickets' }).getAttribute('href')).toBe('/tickets');
    } finally {
      await context.close();
    }
  });

  it('switches to Russian and Spanish, remembers the choice and formats with the language', async () => {
    const { context, page } = await signedInPage();
    try {
      await page.selectOption('select[name="locale"]', 'ru');
      await page.getByRole('link', { name: 'Стена' }).waitFor();
      expect(await tile(page, 'S011').innerText()).toContain('Нет связи');
      await page.screenshot({ path: join(ARTIFACTS, 'wall-ru.png') });
      await page.getByRole('link', { name: 'Магазины' }).click();
      await page.locator('tr[data-store-id="S001"] [data-testid="currency"]').getByText('евро').waitFor();
      expect(await page.locator('tr[data-store-id="S004"] [data-testid="currency"]').innerText()).toContain('российский рубль');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru');

      await page.reload();
      await page.getByRole('link', { name: 'Стена' }).waitFor();

      await page.selectOption('select[name="locale"]', 'es');
      await page.getByRole('link', { name: 'Muro' }).waitFor();
      await page.locator('tr[data-store-id="S009"] [data-testid="currency"]').getByText('peso mexicano').waitFor();
      expect(await page.locator('thead').innerText()).toContain('Cajas operativas');
      await page.screenshot({ path: join(ARTIFACTS, 'stores-es.png') });
    } finally {
      await context.close();
    }
  });

  it('follows the browser\'s language on a first visit', async () => {
    const { context, page } = await signedInPage({ locale: 'es-ES' });
    try {
      await page.getByRole('link', { name: 'Muro' }).waitFor();
      expect(await page.locator('[data-count="stores"] .label').innerText()).toBe('Tiendas');
    } finally {
      await context.close();
    }
  });

  it('keeps a kiosk link\'s options, and leaves for the login page as soon as its token is revoked', async () => {
    const token = await stack.issue('hq-viewer', { label: 'Doomed screen' });
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/wall?token=${token}&kiosk=1&group=city`);
      await page.locator('.tile').first().waitFor();
      const address = new URL(page.url());
      expect([address.pathname, address.searchParams.get('kiosk'), address.searchParams.get('group'), address.searchParams.has('token')]).toEqual(['/wall', '1', 'city', false]);
      await page.locator('.group[data-group="Madrid"]').waitFor();
      const id = server.auth.list().find((t) => t.label === 'Doomed screen')!.id;
      expect(server.auth.revoke(id)).toBe(true);
      await page.waitForURL((url) => url.pathname === '/login', { timeout: 5000 });
    } finally {
      await context.close();
    }
  });

  it('tells a good token refused for the page\'s address, or for too many attempts, from a bad token', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/login`);
      // As the server answers behind a proxy it was not told of (origin refused), then when rate-limited.
      for (const [status, text] of [
        [403, "The server refused sign-in from this page's address. Ask your administrator to list it in ALLOWED_ORIGINS (or to set TRUST_PROXY behind a proxy)."],
        [429, 'Too many sign-in attempts from here. Wait a minute and try again.'],
      ] as const) {
        await page.route('**/api/session', (route) => route.fulfill({ status, contentType: 'application/json', body: '{}' }));
        await page.fill('#token', viewerToken);
        await page.click('button[type="submit"]');
        await page.getByRole('alert').getByText(text).waitFor();
        await page.unroute('**/api/session');
      }
      expect(page.url()).toMatch(/\/login$/);
    } finally {
      await context.close();
    }
  });

  it('stays signed in, and says so, when signing out cannot reach the server; the next try signs out', async () => {
    const { context, page } = await signedInPage();
    try {
      await page.locator('.tile').first().waitFor();
      await page.route('**/api/session', (route) => (route.request().method() === 'DELETE' ? route.abort('connectionrefused') : route.continue()));
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('alert').getByText('Not signed out: the server cannot be reached. Try again.').waitFor();
      expect(new URL(page.url()).pathname).toBe('/wall');
      await page.unroute('**/api/session');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL('**/login');
      // The cookie is gone: the wall now sends this browser to sign in.
      await page.goto(`${server.url}/wall`);
      await page.waitForURL((url) => url.pathname === '/login');
    } finally {
      await context.close();
    }
  });

  it('sends a bad wall link to the login page with a clear message', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}/wall?token=sp_not-a-token`);
      await page.waitForURL('**/login?error=token');
      await page.getByRole('alert').getByText('This token is not valid.').waitFor();
      await page.fill('#token', viewerToken);
      await page.click('button[type="submit"]');
      await page.waitForURL('**/wall');
      await page.locator('.tile').first().waitFor();
      // What this session saw lives in the page's memory: signing out must leave none of it to the next user.
      await page.evaluate(() => ((window as unknown as { seenBy: string }).seenBy = 'viewer'));
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL('**/login');
      expect(await page.evaluate(() => (window as unknown as { seenBy?: string }).seenBy)).toBeUndefined();
      await page.goto(`${server.url}/wall`);
      // Signed out, a page sends to the sign-in page, which will come back to it.
      await page.waitForURL('**/login?next=%2Fwall');
      expect((await context.cookies()).find((c) => c.name === 'storepulse_token')).toBeUndefined();
    } finally {
      await context.close();
    }
  });

  // Last: the other tests count every store of the fleet.
  it('drops a store HQ removes from an open wall at once, tile and count, without a reconnection', async () => {
    const { context, page } = await signedInPage();
    try {
      await page.locator('[data-connection="live"]').waitFor();
      const stores = page.locator('[data-count="stores"] strong');
      await expect.poll(() => stores.innerText()).toBe(String(fleet.length));
      const admin = await stack.issue('hq-admin');
      const res = await fetch(`${server.url}/api/stores/S020`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
      expect(res.status).toBe(204);
      await tile(page, 'S020').waitFor({ state: 'detached', timeout: 2000 });
      expect(await stores.innerText()).toBe(String(fleet.length - 1));
      expect(await page.locator('[data-connection="live"]').count()).toBe(1);
    } finally {
      await context.close();
    }
  });
});

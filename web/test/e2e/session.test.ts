import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TicketView } from '@storepulse/protocol';
import { demoFleet, pilotConfig } from './fleet.js';
import { ARTIFACTS, startStack, type Stack } from './harness.js';

/**
 * Signing in and moving tickets in Chromium against the real server: where the sign-in page leads (back to the
 * page that sent there, else the role's home, never off the site), the kiosk link, a signed-out page without a
 * failed request in the console, and a refused move said in the reader's language.
 */
describe('signing in and refused moves, end to end', () => {
  const fleet = demoFleet(6);
  const providers = pilotConfig(fleet);
  let stack: Stack;
  let viewer: string;
  let provider: string;
  let admin: string;
  let ticket: TicketView;
  let other: TicketView;

  const api = async <T>(path: string, token: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${stack.server.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  const signIn = async (page: Page, token: string) => {
    await page.locator('#token').fill(token);
    await page.locator('form button[type="submit"]').click();
  };
  const path = (page: Page) => {
    const url = new URL(page.url());
    return url.pathname + url.search;
  };

  beforeAll(async () => {
    stack = await startStack(fleet, providers);
    viewer = await stack.issue('hq-viewer', { label: 'Lobby wall' });
    provider = await stack.issue('provider', { providerId: 'pilot', label: 'Pilot engineer' });
    admin = await stack.issue('hq-admin', { label: 'Duty manager' });
    await stack.fault('S001', { pos: 'error' });
    await stack.fault('S003', { pos: 'error' });
    for (let i = 0; i < 60 && !(ticket && other); i++) {
      const list = await api<TicketView[]>('/api/tickets', viewer);
      ticket = list.find((t) => t.storeId === 'S001')!;
      other = list.find((t) => t.storeId === 'S003')!;
      if (!(ticket && other)) await new Promise((r) => setTimeout(r, 250));
    }
    if (!(ticket && other)) throw new Error('no tickets for S001 and S003');
  }, 90_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('brings a signed-out deep link back to its ticket after signing in, with no failed request in the console', async () => {
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      const refused: string[] = [];
      page.on('response', (r) => {
        if (r.status() >= 400) refused.push(`${r.status()} ${new URL(r.url()).pathname}`);
      });
      await page.goto(`${stack.server.url}/tickets/${ticket.id}`);
      await page.waitForURL(`**/login?next=${encodeURIComponent(`/tickets/${ticket.id}`)}`);
      await page.locator('#token').waitFor();
      // Signed out, the session is asked for and answered without a 401 (which Chromium logs as an error).
      expect(refused).toEqual([]);
      expect(errors).toEqual([]);

      await signIn(page, provider);
      await page.waitForURL(`**/tickets/${ticket.id}`);
      await page.locator(`[data-ticket-id="${ticket.id}"]`).waitFor();
      expect(path(page)).toBe(`/tickets/${ticket.id}`);
    } finally {
      await context.close();
    }
  });

  it('takes each role to its home from the sign-in page, and never off the site', async () => {
    const context = await stack.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    try {
      const page = await context.newPage();
      await page.goto(`${stack.server.url}/login`);
      await signIn(page, provider);
      await page.waitForURL('**/provider');
      // A provider is offered its own view; the wall's figures leave out the unassigned queue, never its own.
      await page.getByRole('link', { name: 'Provider view' }).waitFor();
      await page.goto(`${stack.server.url}/wall`);
      await page.locator('[data-count="tickets"] strong').waitFor();
      expect(await page.locator('[data-count="unassigned"]').count()).toBe(0);
      await context.clearCookies();

      await page.goto(`${stack.server.url}/login?next=${encodeURIComponent('//evil.example/wall')}`);
      await signIn(page, viewer);
      await page.waitForURL('**/wall');
      expect(new URL(page.url()).origin).toBe(stack.server.url);
      // HQ gets no "Provider view → My tickets".
      await page.getByRole('link', { name: 'Tickets', exact: true }).waitFor();
      expect(await page.getByRole('link', { name: 'Provider view' }).count()).toBe(0);
      await context.clearCookies();

      await page.goto(`${stack.server.url}/login?next=${encodeURIComponent('https://evil.example/')}`);
      await signIn(page, provider);
      await page.waitForURL('**/provider');
      expect(new URL(page.url()).origin).toBe(stack.server.url);
    } finally {
      await context.close();
    }
  });

  it('still signs a kiosk screen in by its wall link, keeping its options', async () => {
    const context = await stack.browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-GB' });
    try {
      const page = await context.newPage();
      await page.goto(`${stack.server.url}/wall?token=${viewer}&kiosk=1&group=region`);
      await page.locator('.tile').first().waitFor();
      expect(path(page)).toBe('/wall?kiosk=1&group=region');
      expect(await page.locator('nav').count()).toBe(0);
      // Group headers say their figures in words, not in the tiles' "up/total" form.
      const count = page.locator('li.group[data-group="Iberia"] .group-count');
      await count.waitFor();
      expect(await count.innerText()).toMatch(/^\d+ stores? · \d+ with problems$/);
    } finally {
      await context.close();
    }
  });

  it('says in Russian that someone else moved the ticket first, shows it as it is now and what can be done', async () => {
    const { context, page } = await stack.signedIn(provider, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'ru-RU' });
    try {
      await context.addInitScript(() => localStorage.setItem('storepulse.locale', 'ru'));
      // No live updates on this page: it keeps showing the ticket as it was loaded, as a phone that lost its
      // socket would.
      await page.routeWebSocket(/socket\.io/, () => {});
      await page.route('**/socket.io/**', (route) => route.abort());
      await page.goto(`${stack.server.url}/tickets/${ticket.id}`);
      const root = page.locator(`[data-ticket-id="${ticket.id}"]`);
      await root.waitFor();
      expect(await root.getAttribute('data-status')).toBe('open');

      // Meanwhile HQ acknowledges it.
      await api(`/api/tickets/${ticket.id}/status`, admin, { method: 'POST', body: JSON.stringify({ status: 'acknowledged' }) });
      await page.getByRole('button', { name: 'Принять' }).tap();
      const alert = page.getByRole('alert').filter({ hasText: 'Заявку' });
      await alert.waitFor();
      // The tills still fail: resolving is not among what this reader can do now.
      expect(await alert.innerText()).toBe('Заявку уже изменил кто-то другой. Статус сейчас: Принята. Сейчас можно: «Ждать магазин» или «Я на месте».');
      // The page shows the ticket as it is now, and the buttons that apply to it.
      await expect.poll(() => root.getAttribute('data-status')).toBe('acknowledged');
      expect(await page.locator('[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['waiting_store', 'on_site']);
      expect(await page.getByRole('button', { name: 'Решить' }).count()).toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, 'ticket-refused-ru.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('updates the provider view\'s card too when its move is refused, before the live feed has come', async () => {
    const { context, page } = await stack.signedIn(provider, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      await context.addInitScript(() => localStorage.setItem('storepulse.locale', 'es'));
      await page.routeWebSocket(/socket\.io/, () => {});
      await page.route('**/socket.io/**', (route) => route.abort());
      await page.goto(`${stack.server.url}/provider`);
      const card = page.locator(`.card[data-ticket-id="${other.id}"]`);
      await card.waitFor();
      expect(await card.getAttribute('data-status')).toBe('open');
      await api(`/api/tickets/${other.id}/status`, admin, { method: 'POST', body: JSON.stringify({ status: 'acknowledged' }) });
      await card.getByRole('button', { name: 'Aceptar' }).tap();
      await card.getByRole('alert').waitFor();
      expect(await card.getByRole('alert').innerText()).toBe('Otra persona ya ha cambiado este ticket. Estado actual: Aceptado. Ahora puede: «Esperar a la tienda» o «Estoy en la tienda».');
      await expect.poll(() => card.getAttribute('data-status')).toBe('acknowledged');
      expect(await card.locator('[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['waiting_store', 'on_site']);
    } finally {
      await context.close();
    }
  });
});

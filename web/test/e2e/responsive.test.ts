import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { topics, type TicketView } from '@storepulse/protocol';
import { demoFleet, pilotConfig } from './fleet.js';
import { ARTIFACTS, startStack, type Stack } from './harness.js';

/**
 * No page scrolls sideways, from a 320 px phone to a 1080p wall, in Russian (the longest of the three languages):
 * the header wraps, wide tables scroll in a labelled region of their own, and ticket ids stay whole. A kiosk page
 * on a wall screen (1,024 px and wider) cannot be scrolled by anyone, so there not even a table's own region may
 * scroll. Each page is loaded once and the window resized through the widths.
 */
describe('the layout at every width, in Russian', () => {
  const fleet = demoFleet(24);
  // The third store opens all day; visitors to charge give its loss, not counted while it is offline, a bound.
  fleet[2]!.visitorsPerHour = 3_000;
  const OFFLINE = fleet[2]!.id;
  const config = pilotConfig(fleet);
  const WIDTHS = [320, 390, 768, 1024, 1280, 1366, 1920];
  const WALL_SCREEN = 1024;
  let stack: Stack;
  let admin: string;
  let provider: string;
  let ticket: TicketView;

  beforeAll(async () => {
    stack = await startStack(fleet, config);
    // A long label: the header shows the session's label next to the sign-out button.
    admin = await stack.issue('hq-admin', { label: 'Экран в холле главного офиса, третий этаж' });
    provider = await stack.issue('provider', { providerId: 'pilot', label: 'Инженер Pilot Service, выездная бригада' });
    // A fault, so that the store page has an incident in its table and the boards a ticket.
    await stack.fault('S001', { pos: 'error' });
    for (const until = Date.now() + 15_000; !ticket && Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
      const res = await fetch(`${stack.server.url}/api/tickets`, { headers: { authorization: `Bearer ${admin}` } });
      ticket = ((await res.json()) as TicketView[]).find((t) => t.storeId === 'S001')!;
    }
    if (!ticket) throw new Error('no ticket for S001 within 15 s');
    // A store offline: its loss is not counted yet, and the SLA report says "none counted yet, up to …", long words.
    for (const till of fleet[2]!.tills) {
      await stack.agents.publishAsync(topics.online(OFFLINE, till), JSON.stringify({ v: 1, online: false }), { qos: 1, retain: true });
    }
    let offline: TicketView | undefined;
    for (const until = Date.now() + 20_000; !offline?.lostRevenue?.uncounted && Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
      const res = await fetch(`${stack.server.url}/api/tickets`, { headers: { authorization: `Bearer ${admin}` } });
      offline = ((await res.json()) as TicketView[]).find((t) => t.storeId === OFFLINE);
    }
    if (!offline?.lostRevenue?.uncounted) throw new Error(`no ticket with an uncounted loss for ${OFFLINE} within 20 s`);
  }, 90_000);

  afterAll(async () => {
    await stack?.close();
  });

  /** What is wrong with the page as laid out now: nothing, or one line per fault. */
  const faults = (page: Page, wallScreen: boolean) =>
    page.evaluate((wallScreen) => {
      const found: string[] = [];
      const doc = document.documentElement;
      if (doc.scrollWidth > innerWidth) found.push(`page ${doc.scrollWidth} px wide`);
      // The app scrolls in <main>, under the header: sideways there is the page panning too.
      const main = document.querySelector('main');
      if (main && main.scrollWidth > main.clientWidth) found.push(`main ${main.scrollWidth} px wide in ${main.clientWidth}`);
      for (const table of document.querySelectorAll('table')) {
        const box = table.closest('.table-scroll');
        if (!box) {
          if (table.getBoundingClientRect().right > innerWidth) found.push(`a table runs off the screen without a scroll area of its own`);
        } else if (box.getAttribute('role') !== 'region' || !box.getAttribute('aria-label') || box.getAttribute('tabindex') !== '0') {
          found.push(`a table's scroll area is not a focusable, named region`);
        } else if (wallScreen && box.scrollWidth > box.clientWidth) {
          found.push(`a table scrolls sideways on a wall screen: ${box.scrollWidth} px in ${box.clientWidth}`);
        }
      }
      for (const id of document.querySelectorAll('.id')) {
        if (id.getClientRects().length > 1) found.push(`id "${id.textContent}" broken over lines`);
      }
      return found;
    }, wallScreen);

  const pages: [string, () => string, () => string, string][] = [
    ['wall', () => '/wall', () => admin, '.tile'],
    ['kiosk wall, grouped', () => '/wall?kiosk=1&group=region', () => admin, '.group'],
    ['stores', () => '/stores', () => admin, 'tbody tr'],
    ['store page', () => '/stores/S001', () => admin, '[data-testid="store-incidents"] tr[data-incident-id]'],
    ['tickets board', () => '/tickets', () => admin, 'tr[data-ticket-id]'],
    ['kiosk tickets board', () => '/tickets?kiosk=1', () => admin, 'tr[data-ticket-id]'],
    ['ticket', () => `/tickets/${ticket.id}`, () => admin, '[data-testid="ticket-status"]'],
    ['provider view', () => '/provider', () => provider, '.card'],
    ['SLA report', () => '/reports/sla', () => admin, '[data-testid="sla-table"]'],
    ['lost revenue report', () => '/reports/lost-revenue', () => admin, '[data-testid="loss-table"]'],
    ['tokens page', () => '/admin/tokens', () => admin, '[data-testid="tokens-table"]'],
    ['maintenance page', () => '/admin/maintenance', () => admin, '[data-testid="maintenance-form"]'],
  ];

  // Not even in a table's own scroll area on a phone: the SLA report and a store's incidents are read there (an
  // engineer on site, a manager on the move), and a table wider than the screen hides its last columns.
  for (const [name, path, ready] of [
    ['SLA report', '/reports/sla', '[data-testid="sla-table"] tbody tr'],
    ['lost revenue report', '/reports/lost-revenue', '[data-testid="loss-table"] tbody tr'],
    ['store page\'s incidents', '/stores/S001', '[data-testid="store-incidents"] tr[data-incident-id]'],
  ] as const) {
    it(`lays the ${name} out for a 390 px phone, nothing to scroll sideways, every figure labelled`, async () => {
      const { context, page } = await stack.signedIn(admin, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      try {
        await context.addInitScript(() => localStorage.setItem('storepulse.locale', 'ru'));
        await page.goto(`${stack.server.url}${path}`);
        const row = page.locator(ready).first();
        await row.waitFor({ timeout: 10_000 });
        const [scroll, client] = await row.evaluate((tr) => {
          const box = tr.closest('.table-scroll')!;
          return [box.scrollWidth, box.clientWidth];
        });
        expect(scroll, `${name}: ${scroll} px in ${client}`).toBeLessThanOrEqual(client);
        // Each figure says what it is, its column's header being out of sight.
        const unlabelled = await row.locator('td').evaluateAll((tds) =>
          tds.filter((td) => getComputedStyle(td).display !== 'none' && getComputedStyle(td, '::before').content === 'none').length,
        );
        expect(unlabelled).toBe(0);
        const table = page.locator(`${ready} >> xpath=ancestor::table`).first();
        await table.screenshot({ path: join(ARTIFACTS, `${name.replace(/\W+/g, '-')}-phone.png`) });
        // A desktop keeps the table.
        await page.setViewportSize({ width: 1280, height: 800 });
        expect(await table.evaluate((t) => getComputedStyle(t).display)).toBe('table');
      } finally {
        await context.close();
      }
    });
  }

  // "None counted yet, up to €181" is the longest figure of the report: it wraps on a phone rather than push the page
  // or the card sideways, in every language.
  for (const locale of ['en', 'ru', 'es'] as const) {
    it(`lays the SLA report out for a 390 px phone with a loss not counted yet, in ${locale}`, async () => {
      const { context, page } = await stack.signedIn(admin, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      try {
        await context.addInitScript((l) => localStorage.setItem('storepulse.locale', l), locale);
        await page.goto(`${stack.server.url}/reports/sla`);
        const bound = page.locator('[data-testid="sla-table"] [data-testid="sla-lost-up-to"]').first();
        await bound.waitFor({ timeout: 10_000 });
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);
        await expect.poll(() => faults(page, false), { timeout: 2000 }).toEqual([]);
        const [scroll, client] = await bound.evaluate((el) => {
          const box = el.closest('.table-scroll')!;
          return [box.scrollWidth, box.clientWidth];
        });
        expect(scroll, `${scroll} px in ${client}`).toBeLessThanOrEqual(client);
        const right = await bound.evaluate((el) => Math.max(...[...el.getClientRects()].map((r) => r.right)));
        expect(right).toBeLessThanOrEqual(390);
        await page.locator('[data-testid="sla-table"]').screenshot({ path: join(ARTIFACTS, `SLA-report-up-to-phone-${locale}.png`) });
      } finally {
        await context.close();
      }
    });
  }

  for (const [name, path, token, ready] of pages) {
    it(`keeps the ${name} within the window`, async () => {
      const { context, page } = await stack.signedIn(token(), { viewport: { width: WIDTHS[0]!, height: 800 } });
      try {
        await context.addInitScript(() => localStorage.setItem('storepulse.locale', 'ru'));
        await page.goto(`${stack.server.url}${path()}`);
        await page.locator(ready).first().waitFor({ timeout: 10_000 });
        expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru');
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: width >= 1920 ? 1080 : 800 });
          // Resizing lays the page out again over a frame or two (the wall measures its area first).
          const wallScreen = path().includes('kiosk=1') && width >= WALL_SCREEN;
          await expect.poll(() => faults(page, wallScreen), { timeout: 2000, message: `${name} at ${width} px` }).toEqual([]);
        }
      } finally {
        await context.close();
      }
    });
  }
});

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { startServer, type RunningServer } from '@storepulse/server';
import { topics, type Role, type TicketView } from '@storepulse/protocol';
import { connectAgent, fleetYaml, publishFleet, statusPayload, type DemoStore } from './fleet.js';

const here = fileURLToPath(new URL('.', import.meta.url));
export const WEB_BUILD = resolve(here, '../../build');
export const ARTIFACTS = resolve(here, '../../../artifacts');
const ADMIN = 'e2e-admin-token-0123456789abcdef';
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Stack {
  server: RunningServer;
  agents: MqttClient;
  browser: Browser;
  issue(role: Role, extra?: { label?: string; providerId?: string }): Promise<string>;
  /** The API's JSON answer as `token` (POST when there is a body and no method is given); throws on an error status. */
  api<T>(path: string, token: string, init?: { method?: string; body?: unknown }): Promise<T>;
  /** The ticket of a store's fault, once the server has opened it (as `token` reads it). */
  ticketFor(storeId: string, token: string): Promise<TicketView>;
  /** Every till of a store reports these component states (the rest ok). */
  fault(storeId: string, patch: Record<string, string>): Promise<void>;
  /** A browser context signed in with `token` through the session API (the cookie the wall link also sets). */
  signedIn(token: string, options?: Parameters<Browser['newContext']>[0]): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** The real server (embedded broker, SQLite), agents playing `fleet`, and Debian's Chromium. */
export async function startStack(fleet: DemoStore[], extraYaml = ''): Promise<Stack> {
  if (!existsSync(join(WEB_BUILD, 'index.html'))) throw new Error(`no web build in ${WEB_BUILD}: run "npm run build -w web" first`);
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-web-e2e-'));
  writeFileSync(join(dir, 'stores.yaml'), fleetYaml(fleet) + extraYaml);
  const server = await startServer({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: '0',
      STOREPULSE_CONFIG: join(dir, 'stores.yaml'),
      STOREPULSE_DATA_DIR: join(dir, 'data'),
      STOREPULSE_ADMIN_TOKEN: ADMIN,
      STOREPULSE_WEB_DIR: WEB_BUILD,
      // The tests' webhook receivers listen on loopback, which the server refuses unless listed.
      WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    },
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  });
  const issue = async (role: Role, extra: { label?: string; providerId?: string } = {}) => {
    const res = await fetch(`${server.url}/api/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role, label: extra.label ?? `e2e ${role}`, ...(extra.providerId ? { providerId: extra.providerId } : {}) }),
    });
    if (res.status !== 201) throw new Error(`token issue failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  };
  const api = async <T>(path: string, token: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const { body } = init;
    const res = await fetch(`${server.url}${path}`, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const agents = await connectAgent(server.mqttUrl, await issue('agent'));
  await publishFleet(agents, fleet);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  mkdirSync(ARTIFACTS, { recursive: true });
  let seq = 100;

  return {
    server,
    agents,
    browser,
    issue,
    api,
    async ticketFor(storeId, token) {
      const find = async () => (await api<TicketView[]>('/api/tickets', token)).find((t) => t.storeId === storeId);
      await expect.poll(find, { timeout: 15_000, interval: 250 }).toBeTruthy();
      return api<TicketView>(`/api/tickets/${(await find())!.id}`, token);
    },
    async fault(storeId, patch) {
      const store = fleet.find((s) => s.id === storeId)!;
      seq += 1;
      for (const till of store.tills) {
        await agents.publishAsync(topics.status(storeId, till), statusPayload(seq, patch), { qos: 1, retain: true });
      }
    },
    async signedIn(token, options = {}) {
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, timezoneId: 'Europe/Madrid', locale: 'en-GB', ...options });
      const res = await context.request.post(`${server.url}/api/session`, { data: { token } });
      if (!res.ok()) throw new Error(`sign-in failed: ${res.status()}`);
      return { context, page: await context.newPage() };
    },
    async close() {
      await browser.close();
      await agents.endAsync(true);
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

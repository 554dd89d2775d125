// Wall benchmark: a fleet of STORES stores on a 1080p wall while agents send RATE status changes per
// second for SECONDS seconds. Prints the first load (link opened → every tile drawn), the wall's JavaScript
// gzipped, frame-time percentiles and long tasks, checks them against the targets and that the wall ends up
// agreeing with the API. Screenshots (1080p and 4K) go to artifacts/.
//   npm run build && npm run bench:wall -w web       (STORES=2000 RATE=200 SECONDS=10 by default)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { chromium } from 'playwright-core';
import { io } from 'socket.io-client';
import { startServer } from '@storepulse/server';
import { topics } from '@storepulse/protocol';

const STORES = Number(process.env.STORES ?? 2000);
const RATE = Number(process.env.RATE ?? 200);
const SECONDS = Number(process.env.SECONDS ?? 10);
const here = fileURLToPath(new URL('.', import.meta.url));
const WEB_BUILD = resolve(here, '../build');
const ARTIFACTS = resolve(here, '../../artifacts');
const ADMIN = 'bench-admin-token-0123456789abcdef';
const TILLS = ['T1', 'T2'];
const ZONES = ['Europe/Madrid', 'Europe/Moscow', 'Asia/Vladivostok', 'America/Mexico_City', 'America/Bogota'];

const id = (i) => `B${String(i).padStart(5, '0')}`;
const allDay = '{ mon: "00:00-24:00", tue: "00:00-24:00", wed: "00:00-24:00", thu: "00:00-24:00", fri: "00:00-24:00", sat: "00:00-24:00", sun: "00:00-24:00" }';
const status = (seq, pos) =>
  JSON.stringify({
    v: 1,
    ts: new Date().toISOString(),
    seq,
    components: { pos: { state: pos }, printer: { state: 'ok' }, payment: { state: 'ok' }, network: { state: 'ok' } },
  });
/** The issue's targets: no frame over 50 ms, first load under 1.5 s, wall JavaScript at most 300 KB gzipped. */
const TARGET = { maxFrameMs: 50, firstLoadMs: 1500, jsGzipKB: 300 };
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const dir = mkdtempSync(join(tmpdir(), 'storepulse-bench-wall-'));
const yaml = ['stores:'];
for (let i = 0; i < STORES; i++) {
  yaml.push(`  - { id: ${id(i)}, name: "Store ${i}", city: "City ${i % 97}", timezone: ${ZONES[i % ZONES.length]}, currency: EUR, tills: [${TILLS.join(', ')}], hours: ${allDay} }`);
}
writeFileSync(join(dir, 'stores.yaml'), yaml.join('\n') + '\n');
mkdirSync(ARTIFACTS, { recursive: true });

const server = await startServer({
  env: {
    PORT: '0', HOST: '127.0.0.1', MQTT_HOST: '127.0.0.1', MQTT_PORT: '0',
    STOREPULSE_CONFIG: join(dir, 'stores.yaml'), STOREPULSE_DATA_DIR: join(dir, 'data'),
    STOREPULSE_ADMIN_TOKEN: ADMIN, STOREPULSE_WEB_DIR: WEB_BUILD,
  },
  logger: pino({ level: 'warn' }),
});
const issue = async (body) => {
  const res = await fetch(`${server.url}/api/tokens`, {
    method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return (await res.json()).token;
};
const viewer = await issue({ role: 'hq-viewer', label: 'bench wall' });
const agents = await mqtt.connectAsync(server.mqttUrl, { username: 'bench', password: await issue({ role: 'agent', label: 'bench' }), reconnectPeriod: 0 });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

try {
  const seq = new Map();
  const send = (store, till, pos) => {
    const key = `${store}/${till}`;
    const n = (seq.get(key) ?? 0) + 1;
    seq.set(key, n);
    return agents.publishAsync(topics.status(store, till), status(n, pos), { qos: 0, retain: true });
  };
  for (let i = 0; i < STORES; i++) {
    for (const till of TILLS) {
      agents.publish(topics.online(id(i), till), JSON.stringify({ v: 1, online: true, agent: { version: 'bench' } }), { qos: 0, retain: true });
      await send(id(i), till, 'ok');
    }
  }

  // A first load as a wall screen does it: the browser already holds its session cookie, nothing cached.
  const warm = await browser.newContext({ viewport: { width: 1920, height: 1080 }, timezoneId: 'Europe/Madrid' });
  await (await warm.newPage()).goto(`${server.url}/wall?token=${viewer}`);
  const cookies = await warm.cookies();
  await warm.close();
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, timezoneId: 'Europe/Madrid' });
  await context.addCookies(cookies);
  const page = await context.newPage();
  /** @type {Promise<number>[]} */
  const jsSizes = [];
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script') jsSizes.push(r.body().then((b) => gzipSync(b).length, () => 0));
  });
  const loadStarted = Date.now();
  await page.goto(`${server.url}/wall`);
  await page.waitForFunction((n) => document.querySelectorAll('.tile[data-state="ok"]').length === n, STORES, { timeout: 60_000 });
  const firstLoadMs = Date.now() - loadStarted;
  const jsGzipBytes = (await Promise.all(jsSizes)).reduce((a, b) => a + b, 0);
  const overflow = await page.locator('.grid-area').evaluate((el) => el.scrollHeight - el.clientHeight);

  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__frames = [];
    w.__longTasks = [];
    new PerformanceObserver((list) => w.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    let last = performance.now();
    const loop = (t) => {
      w.__frames.push(t - last);
      last = t;
      if (!w.__stop) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });

  // Status changes at RATE per second, in 10 ms slices so the load is even.
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < SECONDS * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * RATE);
    for (; sent < due; sent++) {
      const store = id(Math.floor(Math.random() * STORES));
      void send(store, 'T1', Math.random() < 0.5 ? 'error' : 'ok');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  /** @type {number[]} */
  let longTasks = [];
  const frames = await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__stop = true;
    return { frames: w.__frames.slice(1), longTasks: w.__longTasks };
  }).then((r) => {
    longTasks = r.longTasks;
    return r.frames;
  });

  // The snapshot every wall gets on (re)connecting: its JSON, and deflated as permessage-deflate sends it.
  const client = io(server.url, { auth: { token: viewer }, transports: ['websocket'], reconnection: false });
  const snapshot = JSON.stringify(await new Promise((r) => client.once('snapshot', r)));
  client.close();

  // The wall must end up agreeing with the API, store by store.
  await new Promise((r) => setTimeout(r, 1500));
  const api = await (await fetch(`${server.url}/api/stores`, { headers: { authorization: `Bearer ${viewer}` } })).json();
  const shown = new Map(await page.locator('.tile').evaluateAll((els) => els.map((e) => [e.getAttribute('data-store-id'), e.getAttribute('data-state')])));
  const mismatches = api.filter((s) => shown.get(s.id) !== s.state).length;

  await page.screenshot({ path: join(ARTIFACTS, `wall-${STORES}-1080p.png`) });
  await page.setViewportSize({ width: 3840, height: 2160 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(ARTIFACTS, `wall-${STORES}-4k.png`) });

  const sorted = [...frames].sort((a, b) => a - b);
  const seconds = frames.reduce((a, b) => a + b, 0) / 1000;
  const maxFrame = Math.round(sorted.at(-1) ?? 0);
  const figures = {
    stores: STORES,
    updatesPerSecond: RATE,
    sent,
    overflowPx: overflow,
    frames: frames.length,
    fps: Math.round(frames.length / seconds),
    frameMs: { p50: Math.round(pct(sorted, 50)), p95: Math.round(pct(sorted, 95)), p99: Math.round(pct(sorted, 99)), max: maxFrame },
    longFrames: frames.filter((f) => f > 50).length,
    longTasks: { count: longTasks.length, totalMs: Math.round(longTasks.reduce((a, b) => a + b, 0)), maxMs: Math.round(Math.max(0, ...longTasks)) },
    mismatchesAfterSettle: mismatches,
    firstLoadMs,
    wallJsGzipKB: Math.round(jsGzipBytes / 102.4) / 10,
    snapshotKB: { json: Math.round(Buffer.byteLength(snapshot) / 1024), deflated: Math.round(deflateRawSync(snapshot).length / 1024) },
  };
  const verdict = {
    maxFrameMs: maxFrame <= TARGET.maxFrameMs,
    firstLoadMs: firstLoadMs < TARGET.firstLoadMs,
    jsGzipKB: figures.wallJsGzipKB <= TARGET.jsGzipKB,
  };
  console.log(JSON.stringify({ ...figures, targets: TARGET, met: verdict }, null, 2));
  await context.close();
  if (mismatches > 0 || overflow > 0 || Object.values(verdict).includes(false)) process.exitCode = 1;
} finally {
  await browser.close();
  await agents.endAsync(true);
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

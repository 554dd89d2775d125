import mqtt, { type MqttClient } from 'mqtt';
import { topics } from '@storepulse/protocol';

export interface DemoStore {
  id: string;
  name: string;
  city: string;
  region: string;
  timezone: string;
  currency: string;
  tills: string[];
  /** Never open: the store shows as closed all week. */
  closed?: boolean;
  /** No agent ever reports: the store shows as offline. */
  silent?: boolean;
  /** Component states per till, applied on top of "all ok". */
  faults?: Record<string, Record<string, string>>;
  /** Groups for maintenance windows. */
  groups?: string[];
  /** Tills opened only to add capacity. */
  backupTills?: string[];
  /** Where the store's staff are reached. */
  email?: string;
  /** Visitors per hour to assume without a counter: gives the lost-revenue estimate something to charge. */
  visitorsPerHour?: number;
}

const CITIES: [string, string, string, string][] = [
  ['Madrid', 'Europe/Madrid', 'EUR', 'Iberia'],
  ['Barcelona', 'Europe/Madrid', 'EUR', 'Iberia'],
  ['Sevilla', 'Europe/Madrid', 'EUR', 'Iberia'],
  ['Moscow', 'Europe/Moscow', 'RUB', 'Russia West'],
  ['Kazan', 'Europe/Moscow', 'RUB', 'Russia West'],
  ['Yekaterinburg', 'Asia/Yekaterinburg', 'RUB', 'Russia East'],
  ['Novosibirsk', 'Asia/Novosibirsk', 'RUB', 'Russia East'],
  ['Vladivostok', 'Asia/Vladivostok', 'RUB', 'Russia East'],
  ['Mexico City', 'America/Mexico_City', 'MXN', 'Mexico'],
  ['Monterrey', 'America/Monterrey', 'MXN', 'Mexico'],
  ['Bogotá', 'America/Bogota', 'COP', 'Andes'],
  ['Lima', 'America/Lima', 'PEN', 'Andes'],
];

/** A fleet of `count` stores across time zones, with a few faults, one closed and one silent store. */
export function demoFleet(count: number): DemoStore[] {
  const stores: DemoStore[] = [];
  for (let i = 1; i <= count; i++) {
    const [city, timezone, currency, region] = CITIES[(i - 1) % CITIES.length]!;
    const tillCount = 2 + (i % 3);
    stores.push({
      id: `S${String(i).padStart(3, '0')}`,
      name: `${city} ${['Centro', 'Plaza', 'Norte', 'Sur'][i % 4]} ${i}`,
      city,
      region,
      timezone,
      currency,
      tills: Array.from({ length: tillCount }, (_, t) => `T${t + 1}`),
    });
  }
  stores[0]!.email = 'staff-s001@shop.example';
  const at = (n: number) => stores[n % stores.length]!;
  at(4).faults = { T1: { printer: 'paper_low' } };
  at(7).faults = { T2: { payment: 'unreachable' }, T1: { printer: 'paper_out' } };
  at(10).silent = true;
  at(13).closed = true;
  return stores;
}

const ALL_DAY = '{ mon: "00:00-24:00", tue: "00:00-24:00", wed: "00:00-24:00", thu: "00:00-24:00", fri: "00:00-24:00", sat: "00:00-24:00", sun: "00:00-24:00" }';
const NEVER = '{ mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null }';

export function fleetYaml(stores: DemoStore[]): string {
  const lines = ['stores:'];
  for (const s of stores) {
    lines.push(
      `  - id: ${s.id}`,
      `    name: "${s.name}"`,
      `    city: "${s.city}"`,
      `    region: "${s.region}"`,
      `    timezone: ${s.timezone}`,
      `    currency: ${s.currency}`,
      `    tills: [${s.tills.join(', ')}]`,
      `    hours: ${s.closed ? NEVER : ALL_DAY}`,
      `    provider: pilot`,
    );
    if (s.groups) lines.push(`    groups: [${s.groups.join(', ')}]`);
    if (s.backupTills) lines.push(`    backupTills: [${s.backupTills.join(', ')}]`);
    if (s.email) lines.push(`    email: ${s.email}`);
    if (s.visitorsPerHour !== undefined) lines.push(`    defaultVisitorsPerHour: ${s.visitorsPerHour}`);
  }
  return lines.join('\n') + '\n';
}

export function statusPayload(seq: number, patch: Record<string, string> = {}): string {
  const c = (name: string) => ({ state: patch[name] ?? 'ok' });
  return JSON.stringify({
    v: 1,
    ts: new Date().toISOString(),
    seq,
    components: { pos: c('pos'), printer: c('printer'), payment: c('payment'), network: c('network') },
  });
}

/** Plays the agents of every store that reports: online, then a status per till. */
export async function publishFleet(client: MqttClient, stores: DemoStore[]): Promise<void> {
  for (const s of stores) {
    if (s.silent) continue;
    for (const till of s.tills) {
      const online = JSON.stringify({ v: 1, online: true, agent: { version: '1.4.2' } });
      await client.publishAsync(topics.online(s.id, till), online, { qos: 1, retain: true });
      await client.publishAsync(topics.status(s.id, till), statusPayload(1, s.faults?.[till]), { qos: 1, retain: true });
    }
  }
}

export function connectAgent(url: string, password: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { username: 'e2e-agents', password, clientId: 'e2e-agents', reconnectPeriod: 0 });
}

/**
 * The incident timings and the one provider (Pilot Service, every store, 24×7 SLAs) the browser tests run with;
 * `webhooks` goes into the provider as YAML lines.
 */
export function pilotConfig(fleet: readonly DemoStore[], webhooks = ''): string {
  return `
incidents: { pendingSec: 1, recoverSec: 2 }
providers:
  - id: pilot
    name: Pilot Service
    categories: [all]
    stores: [${fleet.map((s) => s.id).join(', ')}]
${webhooks}    sla:
      P1: { response: 15m, onSite: 4h, resolve: 8h, clock: 24x7 }
      P2: { response: 1h, onSite: 8h, resolve: 1d, clock: 24x7 }
      P3: { response: 4h, resolve: 2d, clock: 24x7 }
`;
}

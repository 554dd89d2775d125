import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Sender } from '../src/agent/sender.js';
import { Spool } from '../src/agent/spool.js';

const realSetTimeout = setTimeout;
const warnings: Array<{ o: object; msg?: string }> = [];
const logger = { warn: (o: object, msg?: string) => void warnings.push({ o, msg }) };

/** A spool whose backlog spans several segment files, and their paths, oldest first. */
async function spoolOf(n: number): Promise<{ spool: Spool; ids: number[]; segments: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-sender-'));
  const spool = await Spool.open({ dir, maxBytes: 10 << 20, maxAgeMs: 3_600_000, logger, segmentBytes: 2048 });
  const added = await Promise.all(Array.from({ length: n }, (_, i) => spool.append('footfall', 't/door', false, (seq) => ({ seq, i }))));
  const segments = readdirSync(dir).filter((f) => f.startsWith('seg-')).sort().map((f) => join(dir, f));
  return { spool, ids: added.map((e) => e.id), segments };
}

/** Stands in for MQTT.js: a broker that acknowledges every publish. */
class Broker extends EventEmitter {
  connected = false;
  readonly seqs: number[] = [];
  publish(_topic: string, payload: string, _opts: object, done: (err?: Error) => void): this {
    this.seqs.push((JSON.parse(payload) as { seq: number }).seq);
    setImmediate(() => done());
    return this;
  }
  come(): void {
    this.connected = true;
    this.emit('connect');
  }
}

const idsIn = (segment: string) => readFileSync(segment, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id);

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => realSetTimeout(r, 5));
  if (!ok()) throw new Error('condition not reached');
}

describe('Sender', () => {
  const crashes: unknown[] = [];
  const crash = (err: unknown) => void crashes.push(err);
  beforeEach(() => {
    crashes.length = 0;
    warnings.length = 0;
    process.on('unhandledRejection', crash);
  });
  afterEach(() => {
    process.off('unhandledRejection', crash);
    vi.useRealTimers();
  });

  it('sends on past a segment file deleted under it, without crashing', async () => {
    const { spool, ids, segments } = await spoolOf(60);
    const gone = idsIn(segments[0]!);
    unlinkSync(segments[0]!);
    const broker = new Broker();
    const stop = new Sender(broker as unknown as MqttClient, spool).start();
    broker.come();
    const rest = ids.filter((id) => !gone.includes(id));
    await until(() => broker.seqs.length >= rest.length);
    expect(broker.seqs).toEqual(rest);
    expect(spool.stats()).toMatchObject({ failedReads: 1, backlog: 0 });
    // And it goes on sending what comes next.
    const next = await spool.append('footfall', 't/door', false, (seq) => ({ seq }));
    await until(() => broker.seqs.length > rest.length);
    expect(broker.seqs.at(-1)).toBe(next.id);
    expect(crashes).toEqual([]);
    stop();
    await spool.close();
  });

  it('waits and tries again when the spool cannot be read, without crashing or spinning', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { spool, ids, segments } = await spoolOf(60);
    const oldest = segments[0]!;
    const content = readFileSync(oldest);
    // A directory in its place: opening works, reading fails (EISDIR), as an I/O error would.
    unlinkSync(oldest);
    mkdirSync(oldest);
    const broker = new Broker();
    const stop = new Sender(broker as unknown as MqttClient, spool).start();
    broker.come();
    await until(() => spool.stats().failedReads === 1);
    // One retry waits on the clock; what arrives meanwhile does not read again (failedReads stays at 2 below).
    expect(vi.getTimerCount()).toBe(1);
    await spool.append('footfall', 't/door', false, (seq) => ({ seq }));
    vi.runOnlyPendingTimers();
    await until(() => spool.stats().failedReads >= 2);
    expect(vi.getTimerCount()).toBe(1);
    expect(broker.seqs).toEqual([]);

    rmdirSync(oldest);
    writeFileSync(oldest, content);
    vi.runOnlyPendingTimers();
    await until(() => broker.seqs.length >= ids.length + 1);
    expect(broker.seqs.slice(0, ids.length)).toEqual(ids);
    expect(spool.stats()).toMatchObject({ failedReads: 2, backlog: 0 });
    expect(crashes).toEqual([]);
    stop();
    await spool.close();
  });
});

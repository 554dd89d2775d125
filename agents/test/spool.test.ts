import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { open as fsOpen } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool, peekBacklog, type SpoolOptions } from '../src/agent/spool.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'storepulse-spool-'));
const warnings: Array<{ o: object; msg?: string }> = [];
const logger = { warn: (o: object, msg?: string) => void warnings.push({ o, msg }) };
const open = (dir: string, extra: Partial<SpoolOptions> = {}) =>
  Spool.open({ dir, maxBytes: 10 << 20, maxAgeMs: 72 * 3_600_000, logger, ...extra });
const add = (s: Spool, n: number, tag = 'm') =>
  Promise.all(Array.from({ length: n }, (_, i) => s.append('footfall', `t/${tag}`, false, (seq) => ({ seq, tag, i }))));
/** The spool as the built agent has it (`npm run build` first), for a second agent in a process of its own. */
const BUILT_SPOOL = new URL('../dist/agent/spool.js', import.meta.url).href;
const segments = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('seg-')).sort().map((n) => join(dir, n));

/** A disk that fills up: with `room` set, writes take only that many more bytes, then fail with ENOSPC. */
function fillingDisk() {
  const disk = { room: null as number | null, truncateFails: false };
  const openFile = async (path: string, flags: string) => {
    const fh = await fsOpen(path, flags);
    const write = fh.write.bind(fh) as (b: Buffer, offset: number, length: number) => ReturnType<typeof fh.write>;
    const truncate = fh.truncate.bind(fh);
    fh.write = (async (data: Buffer | string, offset = 0, length?: number) => {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      const want = length ?? buf.length - offset;
      const n = disk.room === null ? want : Math.min(want, disk.room);
      if (n === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      if (disk.room !== null) disk.room -= n;
      return write(buf, offset, n);
    }) as typeof fh.write;
    fh.truncate = async (len?: number) => {
      if (disk.truncateFails) throw Object.assign(new Error('EIO: i/o error, ftruncate'), { code: 'EIO' });
      return truncate(len);
    };
    return fh;
  };
  return { disk, openFile };
}

describe('Spool', () => {
  it('hands out entries in order, and forgets them once acknowledged', async () => {
    const dir = fresh();
    const s = await open(dir);
    const added = await add(s, 5);
    expect(added.map((e) => e.payload.seq)).toEqual(added.map((e) => e.id));
    expect(s.stats().backlog).toBe(5);
    const taken = await s.take(10);
    expect(taken.map((e) => e.payload.i)).toEqual([0, 1, 2, 3, 4]);
    expect(await s.take(10)).toEqual([]);
    for (const e of taken) s.ack(e.id);
    expect(s.stats().backlog).toBe(0);
    await s.close();
    expect(await peekBacklog(dir)).toMatchObject({ backlog: 0 });
  });

  it('starts a new spool\'s seq at the wall clock, and keeps it rising across restarts', async () => {
    const dir = fresh();
    const before = Date.now();
    let s = await open(dir);
    const [first] = await add(s, 1);
    expect(first!.id).toBeGreaterThanOrEqual(before);
    const taken = await s.take(1);
    s.ack(taken[0]!.id);
    await s.close();
    s = await open(dir, { now: () => before - 86_400_000 }); // even with a clock set back a day
    const [next] = await add(s, 1);
    expect(next!.id).toBe(first!.id + 1);
    await s.close();
  });

  it('replays unacknowledged entries after a restart, in order, with their original time', async () => {
    const dir = fresh();
    let s = await open(dir);
    const added = await add(s, 6);
    const taken = await s.take(3);
    s.ack(taken[0]!.id);
    s.ack(taken[1]!.id);
    await s.close();
    s = await open(dir);
    expect(s.stats().backlog).toBe(4);
    expect(await peekBacklog(dir)).toMatchObject({ backlog: 4 });
    const replay = await s.take(10);
    expect(replay.map((e) => e.id)).toEqual(added.slice(2).map((e) => e.id));
    expect(replay.map((e) => e.at)).toEqual(added.slice(2).map((e) => e.at));
    await s.close();
  });

  it('moves the acknowledged mark only past a contiguous run', async () => {
    const dir = fresh();
    let s = await open(dir);
    const added = await add(s, 3);
    const taken = await s.take(3);
    s.ack(taken[2]!.id); // out of order: the first two are still owed
    await s.close();
    s = await open(dir);
    expect((await s.take(10)).map((e) => e.id)).toEqual(added.map((e) => e.id));
    await s.close();
  });

  it('gives a failed send back to the front of the line', async () => {
    const s = await open(fresh());
    await add(s, 3);
    const [a, b] = await s.take(2);
    s.release(b!);
    s.ack(a!.id);
    expect((await s.take(5)).map((e) => e.payload.i)).toEqual([1, 2]);
    await s.close();
  });

  it('survives a line torn by a crash', async () => {
    const dir = fresh();
    let s = await open(dir);
    await add(s, 2);
    await s.close();
    const seg = readdirSync(dir).filter((n) => n.startsWith('seg-')).sort().find((n) => n !== undefined)!;
    appendFileSync(join(dir, seg), '{"id":99,"at":1,"kind":"foot');
    s = await open(dir);
    await add(s, 1, 'after');
    const all = await s.take(10);
    expect(all.map((e) => e.payload.tag)).toEqual(['m', 'm', 'after']);
    expect(s.stats().corrupt).toBe(1);
    await s.close();
  });

  it('drops the oldest first when full, and logs and counts it', async () => {
    const dir = fresh();
    warnings.length = 0;
    const s = await open(dir, { maxBytes: 64 * 1024, segmentBytes: 8 * 1024 });
    const added = await add(s, 1000);
    const st = s.stats();
    expect(st.bytes).toBeLessThanOrEqual(64 * 1024 + 8 * 1024);
    expect(st.evicted).toBeGreaterThan(0);
    expect(st.backlog + st.evicted).toBe(1000);
    const left = await s.take(2000);
    expect(left.map((e) => e.id)).toEqual(added.slice(st.evicted).map((e) => e.id));
    expect(warnings.some((w) => w.msg === 'spool full: dropped the oldest messages' && (w.o as { reason: string }).reason === 'size')).toBe(true);
    await s.close();
  });

  it('refuses a second agent on the same spool, and takes over the lock of a killed one', async () => {
    const dir = fresh();
    const other = spawn(process.execPath, ['--input-type=module', '-e', `
      const { Spool } = await import(${JSON.stringify(BUILT_SPOOL)});
      await Spool.open({ dir: ${JSON.stringify(dir)}, maxBytes: 1 << 20, maxAgeMs: 3_600_000, logger: { warn() {} } });
      console.log('open');
      setInterval(() => {}, 60_000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve, reject) => {
      other.stdout.once('data', resolve);
      other.once('exit', (code) => reject(new Error(`the other agent ended (${code})`)));
    });
    await expect(open(dir)).rejects.toThrow(`is in use by another agent (pid ${other.pid})`);
    other.kill('SIGKILL');
    await new Promise((r) => other.once('exit', r));
    const s = await open(dir);
    expect(readFileSync(join(dir, 'lock'), 'utf8').split(' ')[0]).toBe(String(process.pid));
    await s.close();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });

  it.runIf(process.platform === 'linux')('is not kept from starting by a lock whose pid now belongs to another process, as after a power cut', async () => {
    const dir = fresh();
    const s = await open(dir);
    // While it runs, the lock holds, even against a second spool in the same process.
    await expect(open(dir)).rejects.toThrow(`is in use by another agent (pid ${process.pid})`);
    const lock = readFileSync(join(dir, 'lock'), 'utf8');
    await s.close();
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    for (const left of [
      lock.replace(boot, randomUUID()), // this very pid, given to the agent before the power cut
      lock.replace(/^\d+/, '1'), // pid 1 runs, but is not the process that wrote the lock
      '1', // a bare pid, as written by hand or by an older agent
    ]) {
      writeFileSync(join(dir, 'lock'), left);
      const again = await open(dir);
      await again.close();
    }
  });

  it('drops what is older than the age limit', async () => {
    let now = Date.parse('2026-11-23T10:00:00Z');
    const s = await open(fresh(), { maxAgeMs: 3_600_000, now: () => now });
    await add(s, 5, 'old');
    now += 2 * 3_600_000;
    await add(s, 2, 'new');
    await s.sweep();
    expect(s.stats()).toMatchObject({ evicted: 5, backlog: 2 });
    expect((await s.take(10)).map((e) => e.payload.tag)).toEqual(['new', 'new']);
    await s.close();
  });

  it('keeps the unsent messages before a zero-filled end left by a power loss, and counts and logs the damage', async () => {
    const dir = fresh();
    warnings.length = 0;
    let s = await open(dir);
    const added = await add(s, 50);
    for (const e of await s.take(10)) s.ack(e.id);
    await s.close();
    const seg = segments(dir).find((p) => readFileSync(p).length > 0)!;
    const intact = readFileSync(seg).length;
    appendFileSync(seg, Buffer.alloc(70 * 1024)); // more than one read chunk of zeros
    s = await open(dir);
    expect((await s.take(100)).map((e) => e.id)).toEqual(added.slice(10).map((e) => e.id));
    expect(s.stats().corrupt).toBe(1);
    expect(warnings).toContainEqual({ o: { segment: seg, offset: intact, bytes: 70 * 1024 }, msg: 'spool: cut off a damaged segment end' });
    await s.close();
    // The damage was cut off once: the next start finds a clean segment and the same backlog.
    s = await open(dir);
    expect(s.stats()).toMatchObject({ corrupt: 0, backlog: 40 });
    expect(await s.take(100)).toHaveLength(40);
    await s.close();
  });

  it('reads on past a damaged stretch inside a segment', async () => {
    const dir = fresh();
    let s = await open(dir);
    await add(s, 3);
    await s.close();
    const seg = segments(dir).find((p) => readFileSync(p).length > 0)!;
    const [l1, l2, l3] = readFileSync(seg, 'utf8').split('\n');
    writeFileSync(seg, `${l1}\n${'\0'.repeat(70 * 1024)}\n${l2}\n${l3}\n`);
    s = await open(dir);
    expect((await s.take(10)).map((e) => e.payload.i)).toEqual([0, 1, 2]);
    expect(s.stats().corrupt).toBeGreaterThan(0);
    await s.close();
  });

  it('skips a line with a byte that is not UTF-8, and still hands out every intact line', async () => {
    const dir = fresh();
    warnings.length = 0;
    let s = await open(dir);
    const added = await add(s, 40);
    await s.close();
    const seg = segments(dir).find((p) => readFileSync(p).length > 0)!;
    const bytes = readFileSync(seg);
    const line3 = bytes.indexOf('\n', bytes.indexOf('\n') + 1) + 1;
    bytes[bytes.indexOf('"tag"', line3) + 2] = 0xff;
    writeFileSync(seg, bytes);
    s = await open(dir);
    const first = await s.take(16);
    const rest = await s.take(100);
    expect([...first, ...rest].map((e) => e.id)).toEqual(added.filter((_, i) => i !== 2).map((e) => e.id));
    expect(first.every((e) => e.payload.tag === 'm')).toBe(true);
    expect(s.stats().corrupt).toBe(1);
    expect(warnings).toEqual([{ o: { segment: seg, offset: line3 }, msg: 'spool: skipped an unreadable line' }]);
    await s.close();
  });

  it('fails an append the disk cannot take whole, and keeps the segment clean for the next ones', async () => {
    const dir = fresh();
    const { disk, openFile } = fillingDisk();
    let s = await open(dir, { openFile });
    await add(s, 1, 'before');
    disk.room = 10; // room for a few bytes of the next line, not all of it
    await expect(add(s, 1, 'lost')).rejects.toThrow('ENOSPC');
    disk.room = null;
    await add(s, 1, 'after');
    expect((await s.take(10)).map((e) => e.payload.tag)).toEqual(['before', 'after']);
    expect(s.stats()).toMatchObject({ failedWrites: 1, corrupt: 0 });
    await s.close();
    s = await open(dir);
    expect((await s.take(10)).map((e) => e.payload.tag)).toEqual(['before', 'after']);
    expect(s.stats().corrupt).toBe(0);
    await s.close();
  });

  it('starts a new segment when the partial line of a failed append cannot be cut off', async () => {
    const dir = fresh();
    const { disk, openFile } = fillingDisk();
    let s = await open(dir, { openFile });
    await add(s, 1, 'before');
    disk.room = 10;
    disk.truncateFails = true;
    await expect(add(s, 1, 'lost')).rejects.toThrow('ENOSPC');
    disk.room = null;
    await add(s, 1, 'after');
    expect((await s.take(10)).map((e) => e.payload.tag)).toEqual(['before', 'after']);
    await s.close();
    // The stray bytes end the old segment; the next start cuts them off and keeps both messages.
    s = await open(dir);
    expect((await s.take(10)).map((e) => e.payload.tag)).toEqual(['before', 'after']);
    expect(s.stats().corrupt).toBe(1);
    await s.close();
  });

  it('resolves an append only once its line is synced to disk, with one sync for a burst', async () => {
    const dir = fresh();
    const syncs: Array<() => void> = [];
    const openFile = async (path: string, flags: string) => {
      const fh = await fsOpen(path, flags);
      const datasync = fh.datasync.bind(fh);
      // Each sync waits until the test lets it finish.
      fh.datasync = () => new Promise<void>((resolve, reject) => syncs.push(() => void datasync().then(resolve, reject)));
      return fh;
    };
    const s = await open(dir, { openFile });
    let settled = false;
    const first = add(s, 1, 'a').then(() => { settled = true; });
    await until(() => syncs.length === 1);
    expect(settled).toBe(false);
    // Lines written while that sync runs wait for the next one, which covers all of them.
    const burst = add(s, 20, 'b');
    syncs.shift()!();
    await first;
    await until(() => syncs.length === 1);
    syncs.shift()!();
    await burst;
    expect(syncs).toHaveLength(0);
    expect((await s.take(50)).length).toBe(21);
    await s.close();
  });

  it('keeps and sends a line whose sync failed, and counts and logs it', async () => {
    const dir = fresh();
    const openFile = async (path: string, flags: string) => {
      const fh = await fsOpen(path, flags);
      fh.datasync = () => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
      return fh;
    };
    const s = await open(dir, { openFile });
    warnings.length = 0;
    await add(s, 1, 'kept');
    expect(s.stats()).toMatchObject({ failedSyncs: 1, failedWrites: 0 });
    expect(warnings.some((w) => /flush to disk/.test(w.msg ?? ''))).toBe(true);
    expect((await s.take(10)).map((e) => e.payload.tag)).toEqual(['kept']);
    await s.close();
  });

  it('uses no seq for an append the disk refused, so the server sees no gap', async () => {
    const dir = fresh();
    const { disk, openFile } = fillingDisk();
    const s = await open(dir, { openFile });
    const [before] = await add(s, 1, 'before');
    disk.room = 0;
    await expect(add(s, 1, 'lost')).rejects.toThrow('ENOSPC');
    disk.room = null;
    const [after] = await add(s, 1, 'after');
    expect(after!.id).toBe(before!.id + 1);
    expect(after!.payload.seq).toBe(after!.id);
    await s.close();
  });

  it('skips a segment file deleted under it, and sends the rest', async () => {
    const dir = fresh();
    warnings.length = 0;
    const s = await open(dir, { segmentBytes: 2048 });
    const added = await add(s, 60);
    const oldest = segments(dir)[0]!;
    const gone = readFileSync(oldest, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id);
    unlinkSync(oldest);
    const taken = await s.take(100);
    expect(taken.map((e) => e.id)).toEqual(added.map((e) => e.id).filter((id) => !gone.includes(id)));
    expect(s.stats().failedReads).toBe(1);
    expect(warnings).toContainEqual({ o: { segment: oldest, lost: gone.length }, msg: 'spool: a segment file vanished; reading on from the next one' });
    for (const e of taken) s.ack(e.id);
    expect(s.stats().backlog).toBe(0);
    await s.close();
  });

  it('writes to a new segment when the one being written is deleted', async () => {
    const dir = fresh();
    let s = await open(dir);
    await add(s, 3, 'lost');
    unlinkSync(segments(dir).at(-1)!);
    expect(await s.take(10)).toEqual([]);
    await add(s, 2, 'after');
    expect((await s.take(10)).map((e) => e.payload.tag)).toEqual(['after', 'after']);
    expect(s.stats().failedReads).toBe(1);
    await s.close();
    s = await open(dir);
    expect((await s.take(10)).map((e) => e.payload.tag)).toEqual(['after', 'after']);
    await s.close();
  });

  it('hands out what it read before a read failed, then fails the next take until the file reads again', async () => {
    const dir = fresh();
    warnings.length = 0;
    const s = await open(dir, { segmentBytes: 2048 });
    const added = await add(s, 60);
    const second = segments(dir)[1]!;
    const content = readFileSync(second);
    // A directory in its place: opening works, reading fails (EISDIR), as an I/O error would.
    unlinkSync(second);
    mkdirSync(second);
    const first = await s.take(100);
    expect(first.length).toBeGreaterThan(0);
    expect(first.map((e) => e.id)).toEqual(added.slice(0, first.length).map((e) => e.id));
    await expect(s.take(100)).rejects.toThrow('EISDIR');
    expect(s.stats().failedReads).toBe(2);
    expect(warnings.filter((w) => w.msg === 'spool: could not read the backlog; trying again later')).toHaveLength(2);
    rmdirSync(second);
    writeFileSync(second, content);
    expect((await s.take(100)).map((e) => e.id)).toEqual(added.slice(first.length).map((e) => e.id));
    await s.close();
  });
});

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!ok()) throw new Error('condition not reached');
}

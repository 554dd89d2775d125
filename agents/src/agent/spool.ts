import { mkdir, open, readdir, rename, stat, truncate, unlink, writeFile, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { TopicKind } from '@storepulse/protocol';

/** One message waiting for the broker's PUBACK. Its id is also the payload's seq. */
export interface SpoolEntry {
  id: number;
  /** When it was created (epoch ms): age eviction and replay keep the original time. */
  at: number;
  kind: TopicKind;
  topic: string;
  retain: boolean;
  payload: Record<string, unknown>;
}

export interface SpoolLogger {
  warn(o: object, msg?: string): void;
}

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  maxAgeMs: number;
  logger: SpoolLogger;
  /** Size at which the active segment is closed and a new one begun (default: maxBytes / 20, within 64 KiB..8 MiB). */
  segmentBytes?: number;
  now?: () => number;
  /** Opens the segment being written (tests pass one whose disk fills up). */
  openFile?: (path: string, flags: string) => Promise<FileHandle>;
}

export interface SpoolStats {
  /** Messages not yet acknowledged by the broker (sent or not). */
  backlog: number;
  bytes: number;
  evicted: number;
  corrupt: number;
  /** Appends that failed (disk full, I/O error): the caller was told, nothing was kept. */
  failedWrites: number;
  /** Flushes to disk that failed: those lines are kept and sent, but a power cut could have taken them. */
  failedSyncs: number;
  /** Reads of the backlog that failed: a segment file gone (its lines are lost, the rest is sent) or an I/O error (tried again). */
  failedReads: number;
  oldestAt: number | null;
}

interface Segment {
  firstId: number;
  lastId: number;
  path: string;
  bytes: number;
  firstAt: number;
  lastAt: number;
}

const SEGMENT = /^seg-(\d{16})\.log$/;
const READ_CHUNK = 64 * 1024;
/** Lines written between two syncs at most, however steadily they come. */
const SYNC_EVERY = 256;
const segName = (firstId: number) => `seg-${String(firstId).padStart(16, '0')}.log`;

/**
 * Durable store-and-forward queue. Messages are appended as JSON lines to segment files before
 * they are sent, and count as gone only once acknowledged. Seq numbers are the spool's own ids, so
 * they survive restarts with it. A new spool starts its ids at the wall clock in milliseconds, so
 * even an agent whose spool was wiped sends seqs above the ones it sent before.
 *
 * Only the send window lives in memory: the reader streams the backlog from disk, which keeps the
 * heap flat however full the spool gets. All disk I/O is asynchronous.
 */
export class Spool {
  private segments: Segment[] = [];
  private active!: { seg: Segment; handle: FileHandle };
  private nextId = 0;
  /** Id of the last line written; the next segment is named after the one that follows it. */
  private lastWrittenId = 0;
  /** Every id at or below it is acknowledged or evicted. */
  private watermark = 0;
  private persistedWatermark = 0;
  private readonly inflight = new Set<number>();
  private readonly retry: SpoolEntry[] = [];
  private lastTakenId = 0;
  private cursor: { seg: Segment; offset: number; handle: FileHandle | null } | null = null;
  private evicted = 0;
  private corrupt = 0;
  private failedWrites = 0;
  private failedSyncs = 0;
  private failedReads = 0;
  /** Appends waiting for the write chain, and the lines written since the last sync with what waits on it. */
  private queuedWrites = 0;
  private unsynced: Deferred | null = null;
  /** A failed write left bytes that could not be cut off: the next line goes to a new segment. */
  private activeTorn = false;
  private writes: Promise<unknown> = Promise.resolve();
  private ackWrite: Promise<void> | null = null;
  private ackDirty = false;
  private closed = false;
  private readonly now: () => number;
  private readonly openFile: (path: string, flags: string) => Promise<FileHandle>;
  private readonly segmentBytes: number;
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly opts: SpoolOptions) {
    this.now = opts.now ?? Date.now;
    this.openFile = opts.openFile ?? open;
    this.segmentBytes = opts.segmentBytes ?? Math.min(8 << 20, Math.max(64 << 10, Math.floor(opts.maxBytes / 20)));
  }

  static async open(opts: SpoolOptions): Promise<Spool> {
    const spool = new Spool(opts);
    await spool.load();
    return spool;
  }

  /**
   * Assigns the next seq, builds the payload with it, and resolves once the line is on disk (synced, so a
   * power cut cannot take it). Seqs are handed out as lines are written: a failed append uses none, so
   * the server sees no gap for a message that was never kept.
   */
  append(kind: TopicKind, topic: string, retain: boolean, build: (seq: number) => Record<string, unknown>): Promise<SpoolEntry> {
    if (this.closed) return Promise.reject(new Error('spool is closed'));
    const at = this.now();
    this.queuedWrites++;
    const done = this.writes.then(async () => {
      this.queuedWrites--;
      try {
        const entry: SpoolEntry = { id: this.nextId, at, kind, topic, retain, payload: {} };
        entry.payload = build(entry.id);
        const bytes = Buffer.from(`${JSON.stringify(entry)}\n`);
        const seg0 = this.active.seg;
        if (this.activeTorn || seg0.bytes >= this.segmentBytes || (seg0.firstAt > 0 && this.now() - seg0.firstAt > this.segmentAgeMs())) await this.rotate();
        const seg = this.active.seg;
        await this.writeWhole(bytes);
        const synced = (this.unsynced ??= deferred());
        synced.lines++;
        this.nextId++;
        seg.bytes += bytes.length;
        seg.lastId = entry.id;
        seg.lastAt = entry.at;
        this.lastWrittenId = entry.id;
        if (seg.firstAt === 0) seg.firstAt = entry.at;
        await this.enforceBounds();
        return { entry, synced: synced.promise };
      } finally {
        // One sync covers every line written before it: in a burst, the last line's write makes it for all
        // (or every few hundred lines, so that a steady stream cannot keep the first ones waiting).
        if (this.queuedWrites === 0 || (this.unsynced?.lines ?? 0) >= SYNC_EVERY) await this.syncActive();
      }
    });
    this.writes = done.catch(() => undefined);
    return done
      .then(async ({ entry, synced }) => {
        await synced;
        for (const l of this.listeners) l();
        return entry;
      })
      .catch((err: unknown) => {
        this.failedWrites++;
        throw err;
      });
  }

  /**
   * Flushes the active segment to the disk and releases the lines waiting for it. A failed sync is logged
   * and counted, not thrown: the lines are written and will be sent, only a power cut could still take them,
   * and failing the append would make the caller queue the same message again under another seq.
   */
  private async syncActive(): Promise<void> {
    const waiting = this.unsynced;
    this.unsynced = null;
    if (!waiting) return;
    try {
      await this.active.handle.datasync();
    } catch (err) {
      this.failedSyncs++;
      this.opts.logger.warn({ err: (err as Error).message, segment: this.active.seg.path }, 'spool: could not flush to disk; a power cut could lose the newest messages');
    }
    waiting.resolve();
  }

  /** Writes the whole line, or throws with none of it left in the segment. */
  private async writeWhole(bytes: Buffer): Promise<void> {
    const { seg, handle } = this.active;
    try {
      // A short write is what a full disk gives first: write the rest, and the disk then says why not.
      for (let done = 0; done < bytes.length;) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
        if (bytesWritten <= 0) throw new Error('spool: the disk took no more bytes');
        done += bytesWritten;
      }
    } catch (err) {
      // Cut the partial line off, or the next line would be glued to it and both lost.
      await handle.truncate(seg.bytes).catch(() => { this.activeTorn = true; });
      throw err;
    }
  }

  /** Called whenever something new can be taken. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Up to `max` entries not yet handed out, oldest first. They stay in the spool until `ack`;
   * `release` hands one back when sending failed. Rejects when the backlog cannot be read (counted and
   * logged); a segment file that vanished is skipped instead.
   */
  async take(max: number): Promise<SpoolEntry[]> {
    const out: SpoolEntry[] = [];
    while (out.length < max && this.retry.length > 0) out.push(this.retry.shift()!);
    while (out.length < max && this.cursor) {
      const at = this.cursor;
      let got: SpoolEntry[] | null;
      try {
        got = await this.readAtCursor(max - out.length);
      } catch (err) {
        // A reader moved on meanwhile (eviction dropped its segment) reads on from where it is now.
        if (this.cursor !== at || this.readFailed(err as NodeJS.ErrnoException)) continue;
        // What was read is handed out all the same (or it would be lost); the error comes back at the next take.
        if (out.length === 0) throw err;
        break;
      }
      if (got === null) break;
      out.push(...got);
    }
    for (const e of out) {
      this.inflight.add(e.id);
      if (e.id > this.lastTakenId) this.lastTakenId = e.id;
    }
    return out;
  }

  /** The broker acknowledged this entry. */
  ack(id: number): void {
    if (!this.inflight.delete(id)) return;
    const oldestRetry = this.retry.length > 0 ? this.retry[0]!.id - 1 : Infinity;
    let mark = Math.min(this.lastTakenId, oldestRetry);
    for (const i of this.inflight) if (i - 1 < mark) mark = i - 1;
    if (mark > this.watermark) {
      this.watermark = mark;
      this.persistWatermark();
    }
  }

  /** Sending failed: the entry goes back to the front of the line. */
  release(entry: SpoolEntry): void {
    if (!this.inflight.delete(entry.id)) return;
    this.retry.push(entry);
    this.retry.sort((a, b) => a.id - b.id);
  }

  stats(): SpoolStats {
    const last = this.nextId - 1;
    return {
      backlog: Math.max(0, last - this.watermark),
      bytes: this.segments.reduce((n, s) => n + s.bytes, 0),
      evicted: this.evicted,
      corrupt: this.corrupt,
      failedWrites: this.failedWrites,
      failedSyncs: this.failedSyncs,
      failedReads: this.failedReads,
      oldestAt: this.segments.find((s) => s.lastId > this.watermark)?.firstAt ?? null,
    };
  }

  /** Drops what is too old even when nothing is being appended; call it now and then. */
  async sweep(): Promise<void> {
    const run = this.writes.then(() => this.enforceBounds());
    this.writes = run.catch(() => undefined);
    await run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writes;
    while (this.ackWrite) await this.ackWrite;
    await this.active.handle.close();
    await this.cursor?.handle?.close();
    this.cursor = null;
    await unlink(join(this.opts.dir, 'lock')).catch(() => undefined);
  }

  private segmentAgeMs(): number {
    // Age eviction drops whole segments, so segments must be much younger than the age limit.
    return Math.max(60_000, this.opts.maxAgeMs / 24);
  }

  private async load(): Promise<void> {
    const { dir } = this.opts;
    await mkdir(dir, { recursive: true });
    await takeLock(dir);
    this.watermark = await readWatermarkFile(dir);
    this.persistedWatermark = this.watermark;
    const names = (await readdir(dir)).filter((n) => SEGMENT.test(n)).sort();
    for (const name of names) {
      const { seg, damaged } = await inspectSegment(join(dir, name), Number(SEGMENT.exec(name)![1]));
      if (damaged > 0) {
        // A torn last line, or zeros where a power loss lost the data: keep what comes before.
        this.corrupt++;
        this.opts.logger.warn({ segment: seg.path, offset: seg.bytes, bytes: damaged }, 'spool: cut off a damaged segment end');
        // If it cannot be cut now, reads stop before it anyway and the next start tries again.
        await truncate(seg.path, seg.bytes).catch(() => undefined);
      }
      // Nothing unacknowledged in it, or nothing readable at all.
      if (seg.lastId <= this.watermark || seg.bytes === 0) {
        await unlink(seg.path).catch(() => undefined);
        continue;
      }
      this.segments.push(seg);
    }
    const newest = names.length > 0 ? Number(SEGMENT.exec(names.at(-1)!)![1]) : 0;
    const lastKnown = Math.max(this.watermark, newest - 1, ...this.segments.map((s) => s.lastId));
    this.nextId = lastKnown > 0 ? lastKnown + 1 : this.now();
    if (this.watermark === 0) this.watermark = this.nextId - 1 - this.pendingInSegments();
    this.lastTakenId = this.watermark;
    this.lastWrittenId = this.nextId - 1;
    // Always write to a fresh segment: an older one may end in a line torn by a crash.
    await this.rotate();
    this.cursor = this.segments[0] ? { seg: this.segments[0], offset: 0, handle: null } : null;
  }

  private pendingInSegments(): number {
    return this.segments.reduce((n, s) => n + Math.max(0, s.lastId - s.firstId + 1), 0);
  }

  private async rotate(): Promise<void> {
    const firstId = this.lastWrittenId + 1;
    const seg: Segment = { firstId, lastId: firstId - 1, path: join(this.opts.dir, segName(firstId)), bytes: 0, firstAt: 0, lastAt: 0 };
    // Open the new segment first: if that fails (disk full), the current one stays usable.
    const handle = await this.openFile(seg.path, 'a');
    await syncDir(this.opts.dir);
    if (this.active) {
      // Lines in the old segment still waiting for a sync get it now, before its handle goes.
      await this.syncActive();
      await this.active.handle.close();
    }
    this.active = { seg, handle };
    this.activeTorn = false;
    this.segments.push(seg);
    if (!this.cursor) this.cursor = { seg, offset: 0, handle: null };
  }

  /** Reads complete lines at the cursor; null when nothing more is on disk yet. */
  private async readAtCursor(max: number): Promise<SpoolEntry[] | null> {
    const c = this.cursor!;
    if (c.offset >= c.seg.bytes) {
      if (c.seg === this.active.seg) return null;
      return this.advanceCursor() ? [] : null;
    }
    if (!c.handle) {
      const handle = await open(c.seg.path, 'r');
      // Evicted while it opened: the reader is elsewhere now, and nothing else would close this handle.
      if (this.cursor !== c) {
        await handle.close();
        return [];
      }
      c.handle = handle;
    }
    const len = Math.min(READ_CHUNK, c.seg.bytes - c.offset);
    const buf = Buffer.alloc(len);
    const { bytesRead } = await c.handle.read(buf, 0, len, c.offset);
    // Lines are found and offsets counted in bytes: a damaged byte must not shift where the next line starts.
    const chunk = buf.subarray(0, bytesRead);
    const out: SpoolEntry[] = [];
    let pos = 0;
    while (out.length < max) {
      const nl = chunk.indexOf(0x0a, pos);
      if (nl < 0) break;
      const start = pos;
      pos = nl + 1;
      const e = parseLine(chunk.subarray(start, nl));
      if (!e) {
        this.corrupt++;
        this.opts.logger.warn({ segment: c.seg.path, offset: c.offset + start }, 'spool: skipped an unreadable line');
        continue;
      }
      if (e.id > this.watermark && e.id > this.lastTakenId) out.push(e);
    }
    if (pos === 0 && out.length === 0) {
      // No newline in a whole chunk: damage inside a segment (a damaged end was cut off at open).
      // Skip it; the reader picks up again at the next intact line.
      if (c.seg === this.active.seg) return null;
      this.corrupt++;
      this.opts.logger.warn({ segment: c.seg.path, offset: c.offset, bytes: bytesRead }, 'spool: skipped unreadable bytes');
      c.offset += bytesRead;
      return [];
    }
    c.offset += pos;
    return out;
  }

  /** Counts and logs a failed read at the cursor; true when the reader could go on past it. */
  private readFailed(err: NodeJS.ErrnoException): boolean {
    const c = this.cursor!;
    this.failedReads++;
    if (err.code !== 'ENOENT') {
      // The next attempt opens the file afresh: the handle itself may be what is broken.
      void c.handle?.close().catch(() => undefined);
      c.handle = null;
      this.opts.logger.warn({ err: err.message, segment: c.seg.path }, 'spool: could not read the backlog; trying again later');
      return false;
    }
    // Deleted behind the spool's back (by hand, by a cleaner): its lines are lost, those of the next segments are not.
    const lost = Math.max(0, c.seg.lastId - Math.max(this.lastTakenId, c.seg.firstId - 1));
    this.opts.logger.warn({ segment: c.seg.path, lost }, 'spool: a segment file vanished; reading on from the next one');
    if (c.seg === this.active.seg) {
      // Lines appended to it would vanish too: the next append starts a new segment.
      this.activeTorn = true;
      c.offset = c.seg.bytes;
    } else {
      // The watermark passes its ids once the lines after them are acknowledged.
      this.advanceCursor();
      this.segments.splice(this.segments.indexOf(c.seg), 1);
    }
    return true;
  }

  private advanceCursor(): boolean {
    const c = this.cursor!;
    void c.handle?.close().catch(() => undefined);
    const next = this.segments[this.segments.indexOf(c.seg) + 1];
    this.cursor = next ? { seg: next, offset: 0, handle: null } : null;
    if (!next) this.cursor = { seg: this.active.seg, offset: this.active.seg.bytes, handle: null };
    return next !== undefined;
  }

  private async enforceBounds(): Promise<void> {
    const { maxBytes, maxAgeMs } = this.opts;
    const now = this.now();
    // Acknowledged segments first: they cost nothing to drop.
    for (const seg of [...this.segments]) {
      if (seg !== this.active.seg && seg.lastId <= this.watermark && this.cursor?.seg !== seg) await this.dropSegment(seg, null);
    }
    let total = this.segments.reduce((n, s) => n + s.bytes, 0);
    while (this.segments.length > 0) {
      const oldest = this.segments[0]!;
      const tooOld = oldest.lastAt > 0 && now - oldest.lastAt > maxAgeMs;
      const tooBig = total > maxBytes;
      if (!tooOld && !tooBig) break;
      if (oldest === this.active.seg) {
        if (oldest.bytes === 0) break;
        await this.rotate();
        continue;
      }
      total -= oldest.bytes;
      await this.dropSegment(oldest, tooOld ? 'age' : 'size');
    }
  }

  private async dropSegment(seg: Segment, reason: 'age' | 'size' | null): Promise<void> {
    this.segments.splice(this.segments.indexOf(seg), 1);
    if (reason) {
      const lost = Math.max(0, seg.lastId - Math.max(this.watermark, seg.firstId - 1));
      this.evicted += lost;
      this.opts.logger.warn({ reason, dropped: lost, firstId: seg.firstId, lastId: seg.lastId }, 'spool full: dropped the oldest messages');
      if (seg.lastId > this.watermark) {
        this.watermark = seg.lastId;
        if (this.lastTakenId < seg.lastId) this.lastTakenId = seg.lastId;
        for (const id of this.inflight) if (id <= seg.lastId) this.inflight.delete(id);
        this.persistWatermark();
      }
      if (this.cursor?.seg === seg) {
        void this.cursor.handle?.close().catch(() => undefined);
        this.cursor = { seg: this.segments[0] ?? this.active.seg, offset: 0, handle: null };
      }
    }
    await unlink(seg.path).catch(() => undefined);
  }

  /** Writes the watermark (temp file, then rename), coalescing bursts of acks into one write. */
  private persistWatermark(): void {
    if (this.ackWrite) {
      this.ackDirty = true;
      return;
    }
    const value = this.watermark;
    if (value === this.persistedWatermark) return;
    const file = join(this.opts.dir, 'acked');
    this.ackWrite = writeFile(`${file}.tmp`, String(value))
      .then(() => rename(`${file}.tmp`, file))
      .then(() => { this.persistedWatermark = value; })
      .catch((err: Error) => this.opts.logger.warn({ err: err.message }, 'spool: could not save the acknowledged position'))
      .finally(() => {
        this.ackWrite = null;
        if (this.ackDirty) {
          this.ackDirty = false;
          this.persistWatermark();
        }
      });
  }
}

/**
 * First and last ids and times of a segment, from its name and its last intact line. Whatever
 * follows that line is damage (a torn line, zeros from a power loss): `bytes` stops before it.
 */
async function inspectSegment(path: string, firstId: number): Promise<{ seg: Segment; damaged: number }> {
  const size = (await stat(path)).size;
  const seg: Segment = { firstId, lastId: firstId - 1, path, bytes: 0, firstAt: 0, lastAt: 0 };
  const fh = await open(path, 'r');
  try {
    const headLen = Math.min(size, READ_CHUNK);
    const head = Buffer.alloc(headLen);
    await fh.read(head, 0, headLen, 0);
    const nl = head.indexOf(0x0a);
    const first = parseLine(nl < 0 ? head : head.subarray(0, nl));
    if (first) seg.firstAt = first.at;
    const last = await lastIntactLine(fh, size);
    if (last) {
      seg.lastId = last.entry.id;
      seg.lastAt = last.entry.at;
      seg.bytes = last.end;
    }
  } finally {
    await fh.close();
  }
  return { seg, damaged: size - seg.bytes };
}

/** Scans back from the end, chunk by chunk, past any damage, to the last line that parses. */
async function lastIntactLine(fh: FileHandle, size: number): Promise<{ entry: SpoolEntry; end: number } | null> {
  // The start of the chunk read before, up to its first newline: the end of a line begun further back.
  let carry = Buffer.alloc(0);
  for (let pos = size; pos > 0;) {
    const len = Math.min(READ_CHUNK, pos);
    pos -= len;
    const chunk = Buffer.alloc(len);
    await fh.read(chunk, 0, len, pos);
    const text = Buffer.concat([chunk, carry]);
    let nl = text.lastIndexOf(0x0a);
    while (nl >= 0) {
      const prev = nl === 0 ? -1 : text.lastIndexOf(0x0a, nl - 1);
      if (prev < 0 && pos > 0) break; // the line begins in the chunk before
      const entry = parseLine(text.subarray(prev + 1, nl));
      if (entry) return { entry, end: pos + nl + 1 };
      nl = prev;
    }
    carry = nl < 0 ? text : text.subarray(0, nl + 1);
    // The reader takes lines of up to one chunk: a longer one is damage, however it ends.
    if (carry.length > READ_CHUNK) carry = Buffer.alloc(0);
  }
  return null;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  lines: number;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve, lines: 0 };
}

/** A new segment survives a power cut only once its directory entry is on disk too. */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    await fh.sync().finally(() => fh.close());
  } catch {
    // Windows cannot open a directory, and some filesystems cannot sync one; NTFS journals the entry itself.
  }
}

/**
 * One agent per spool: two writers would hand out the same seq twice. The lock names the agent's pid and, where /proc
 * tells it, that process's stamp: pids are reused (after a power cut the old agent's pid often goes to another process,
 * or to the new agent itself), so a lock holds only while the very process that wrote it runs. Any other is taken over.
 */
async function takeLock(dir: string): Promise<void> {
  const path = join(dir, 'lock');
  const mine = await processStamp(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, mine ? `${process.pid} ${mine}` : String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const [pidText = '', stamp] = (await readFile(path, 'utf8').catch(() => '')).trim().split(/\s+/);
    const pid = Number(pidText);
    if (Number.isInteger(pid) && pid > 0 && (await lockHeld(pid, stamp, mine !== null))) {
      throw new Error(`spool ${dir} is in use by another agent (pid ${pid})`);
    }
    await unlink(path).catch(() => undefined);
  }
  throw new Error(`could not lock spool ${dir}`);
}

/** Whether the process that wrote a lock still runs; `stamped` when this system has /proc to tell. */
async function lockHeld(pid: number, stamp: string | undefined, stamped: boolean): Promise<boolean> {
  // A lock with no stamp here was written by hand or by an older agent: a live process with its pid proves nothing.
  if (stamped) return stamp !== undefined && (await processStamp(pid)) === stamp;
  // Without /proc (Windows, macOS), the pid alone: a lock with ours is from an earlier life of this pid.
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: another user's (or a protected) process, which is no agent on this spool, since that runs as
    // the user whose files these are; refusing would keep the agent down until someone deleted the lock by hand.
    return false;
  }
}

/**
 * What tells a process from any other that had or will have its pid: the boot, and its start time in clock ticks
 * since that boot (/proc/<pid>/stat field 22). Null without /proc, or once the process is gone.
 */
async function processStamp(pid: number): Promise<string | null> {
  try {
    const [boot, stat] = await Promise.all([readFile('/proc/sys/kernel/random/boot_id', 'utf8'), readFile(`/proc/${pid}/stat`, 'utf8')]);
    // Field 2, the name, is in parentheses and may hold spaces or parentheses itself: count from after the last one.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return start ? `${boot.trim()}/${start}` : null;
  } catch {
    return null;
  }
}

async function readWatermarkFile(dir: string): Promise<number> {
  try {
    const n = Number((await readFile(join(dir, 'acked'), 'utf8')).trim());
    return Number.isSafeInteger(n) && n > 0 ? n : 0;
  } catch {
    return 0;
  }
}

/** Backlog of a spool directory without opening it for writing, for `check` while the agent runs. */
export async function peekBacklog(dir: string): Promise<{ backlog: number; bytes: number } | null> {
  const names = await readdir(dir).catch(() => null);
  if (!names) return null;
  const watermark = await readWatermarkFile(dir);
  let backlog = 0;
  let bytes = 0;
  for (const name of names.filter((n) => SEGMENT.test(n))) {
    const { seg, damaged } = await inspectSegment(join(dir, name), Number(SEGMENT.exec(name)![1]));
    bytes += seg.bytes + damaged;
    backlog += Math.max(0, seg.lastId - Math.max(watermark, seg.firstId - 1));
  }
  return { backlog, bytes };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The entry a line's bytes hold; null when they are not UTF-8 JSON of one: a damaged line is skipped, never sent altered. */
function parseLine(line: Uint8Array): SpoolEntry | null {
  if (line.length === 0) return null;
  try {
    const e = JSON.parse(strictUtf8.decode(line)) as SpoolEntry;
    return Number.isSafeInteger(e.id) && typeof e.topic === 'string' && typeof e.payload === 'object' ? e : null;
  } catch {
    return null;
  }
}

/**
 * A bounded first-in-first-out spool of line protocol batches on disk, one file per batch, so that
 * points survive an InfluxDB outage (and a restart of the server) and replay in their original order.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SpooledBatch {
  name: string;
  lines: string;
  points: number;
  bytes: number;
}

interface Entry {
  name: string;
  points: number;
  bytes: number;
}

const FILE = /^(\d{16})\.lp$/;

function countLines(text: string): number {
  let n = text.length > 0 ? 1 : 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < text.length - 1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export class DiskSpool {
  private readonly entries: Entry[] = [];
  private nextSeq = 1;
  private bytes = 0;
  private pointCount = 0;

  /** `onDrop` hears about batches thrown away because the spool is full (oldest go first). */
  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly onDrop: (points: number) => void,
  ) {
    mkdirSync(dir, { recursive: true });
    const names = readdirSync(dir).filter((n) => FILE.test(n)).sort();
    for (const name of names) {
      const bytes = statSync(join(dir, name)).size;
      const points = countLines(readFileSync(join(dir, name), 'utf8'));
      this.entries.push({ name, points, bytes });
      this.bytes += bytes;
      this.pointCount += points;
    }
    const last = names.at(-1);
    if (last) this.nextSeq = Number(FILE.exec(last)![1]) + 1;
  }

  get pendingPoints(): number {
    return this.pointCount;
  }

  get pendingBytes(): number {
    return this.bytes;
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** Appends a batch; makes room by dropping the oldest batches when the spool would grow past its bound. */
  append(lines: string[]): void {
    if (lines.length === 0) return;
    const text = lines.join('\n');
    const bytes = Buffer.byteLength(text);
    if (bytes > this.maxBytes) {
      this.onDrop(lines.length);
      return;
    }
    while (this.bytes + bytes > this.maxBytes && this.entries.length > 0) {
      const oldest = this.entries[0]!;
      this.remove(oldest.name);
      this.onDrop(oldest.points);
    }
    const name = `${String(this.nextSeq++).padStart(16, '0')}.lp`;
    // Write then rename, so a crash never leaves a half-written batch under a valid name.
    const tmp = join(this.dir, `${name}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, join(this.dir, name));
    this.entries.push({ name, points: lines.length, bytes });
    this.bytes += bytes;
    this.pointCount += lines.length;
  }

  /** The oldest batch, or null when the spool is empty. */
  peek(): SpooledBatch | null {
    const e = this.entries[0];
    if (!e) return null;
    return { ...e, lines: readFileSync(join(this.dir, e.name), 'utf8') };
  }

  remove(name: string): void {
    const i = this.entries.findIndex((e) => e.name === name);
    if (i === -1) return;
    const [e] = this.entries.splice(i, 1);
    this.bytes -= e!.bytes;
    this.pointCount -= e!.points;
    unlinkSync(join(this.dir, name));
  }
}

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskSpool } from '../../src/telemetry/influx/spool.js';

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'storepulse-spool-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('disk spool', () => {
  it('hands batches back oldest first and finds them again after a reopen', () => {
    const dir = fresh();
    const spool = new DiskSpool(dir, 1_000_000, () => {});
    spool.append(['a v=1i 1', 'a v=2i 2']);
    spool.append(['a v=3i 3']);
    const reopened = new DiskSpool(dir, 1_000_000, () => {});
    expect(reopened.pendingPoints).toBe(3);
    const first = reopened.peek()!;
    expect(first.lines).toBe('a v=1i 1\na v=2i 2');
    reopened.remove(first.name);
    reopened.append(['a v=4i 4']);
    expect(reopened.peek()!.lines).toBe('a v=3i 3');
    reopened.remove(reopened.peek()!.name);
    expect(reopened.peek()!.lines).toBe('a v=4i 4');
    expect(reopened.pendingPoints).toBe(1);
  });

  it('stays within its byte bound by dropping the oldest batches, and counts what it drops', () => {
    const dir = fresh();
    let dropped = 0;
    const line = 'footfall,store=s1 in=1i 1700000000';
    const spool = new DiskSpool(dir, Buffer.byteLength(line) * 3 + 2, (n) => {
      dropped += n;
    });
    for (let i = 0; i < 5; i++) spool.append([line]);
    expect(spool.pendingBytes).toBeLessThanOrEqual(Buffer.byteLength(line) * 3 + 2);
    expect(spool.pendingPoints).toBe(3);
    expect(dropped).toBe(2);
    spool.append(Array(10).fill(line));
    expect(dropped).toBe(12);
    expect(readdirSync(dir).filter((n) => n.endsWith('.lp'))).toHaveLength(3);
  });
});

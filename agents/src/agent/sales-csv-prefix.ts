import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Bytes hashed per read of a file's first bytes. */
const HASH_CHUNK = 1 << 20;
/** Bytes before the read offset read back when the export grew, to see it was not rewritten in place meanwhile. */
const TAIL_BYTES = 4096;

export const sha = () => createHash('sha256');

/** The last TAIL_BYTES of `before` followed by `more`. */
export function keepTail(before: Buffer, more: Buffer): Buffer {
  if (more.length >= TAIL_BYTES) return Buffer.from(more.subarray(more.length - TAIL_BYTES));
  const both = Buffer.concat([before, more]);
  return both.length > TAIL_BYTES ? both.subarray(both.length - TAIL_BYTES) : both;
}

/**
 * A file's first bytes as the export's reader keeps them: the `consumed` bytes of whole lines, their hash (to know the
 * file again once rewritten) and last TAIL_BYTES, then the bytes of a line without its newline yet (`partial`).
 */
export interface Prefix {
  hash: Hash;
  tail: Buffer;
  consumed: number;
  partial: Buffer;
}

/** The first `length` bytes of the file at `path`, or all of it if it is shorter. */
export async function readPrefix(path: string, length: number): Promise<Prefix> {
  const p: Prefix = { hash: sha(), tail: Buffer.alloc(0), consumed: 0, partial: Buffer.alloc(0) };
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(length, HASH_CHUNK));
    for (let pos = 0; pos < length;) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, length - pos), pos);
      if (bytesRead === 0) break;
      const data = Buffer.concat([p.partial, buf.subarray(0, bytesRead)]);
      const cut = data.lastIndexOf(0x0a) + 1;
      p.hash.update(data.subarray(0, cut));
      p.tail = keepTail(p.tail, data.subarray(0, cut));
      p.consumed += cut;
      p.partial = Buffer.from(data.subarray(cut));
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return p;
}

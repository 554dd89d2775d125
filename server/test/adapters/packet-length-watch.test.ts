import { describe, expect, it } from 'vitest';
import { PacketLengthWatch } from '../../src/adapters/mqtt/packet-length-watch.js';

/** A packet: type byte, remaining length (variable-length encoding), body. */
function packet(type: number, bodyBytes: number): Buffer {
  const length: number[] = [];
  let x = bodyBytes;
  do {
    let byte = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) byte |= 0x80;
    length.push(byte);
  } while (x > 0);
  return Buffer.concat([Buffer.from([type, ...length]), Buffer.alloc(bodyBytes, 0x61)]);
}

describe('PacketLengthWatch', () => {
  it('follows packets of every length-field size through, however the stream is cut', () => {
    const stream = Buffer.concat([packet(0x10, 20), packet(0xc0, 0), packet(0x30, 200), packet(0x30, 20_000), packet(0x32, 127), packet(0x32, 128)]);
    for (const cut of [1, 2, 3, 7, 1000, stream.length]) {
      const watch = new PacketLengthWatch(20_000);
      for (let i = 0; i < stream.length; i += cut) expect(watch.push(stream.subarray(i, i + cut))).toBeNull();
    }
  });

  it('tells the length a packet declares past the limit as soon as its length field is complete', () => {
    const watch = new PacketLengthWatch(1000);
    expect(watch.push(packet(0x30, 999))).toBeNull();
    const big = packet(0x30, 1001);
    expect(watch.push(big.subarray(0, 2))).toBeNull();
    expect(watch.push(big.subarray(2, 3))).toBe(1001);
  });

  it('calls a length of more than four bytes malformed', () => {
    expect(new PacketLengthWatch(1e9).push(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe(Infinity);
  });
});

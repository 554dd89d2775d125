/** MQTT's remaining length takes at most four bytes, seven bits each. */
const MAX_LENGTH_BYTES = 4;

/**
 * Follows the MQTT packets of one connection by their fixed headers alone, so that a packet declaring more than
 * `max` bytes is caught by its first few bytes. Aedes' parser (mqtt-packet) buffers every packet whole, up to the
 * protocol's 256 MB, before anyone may look at it, and that before the client has even signed in.
 */
export class PacketLengthWatch {
  /** Bytes of the current packet's body still to come. */
  private body = 0;
  /** -1 while the next byte is a packet's type; else how many bytes of its length have been read. */
  private lengthBytes = -1;
  private length = 0;
  private multiplier = 1;

  constructor(private readonly max: number) {}

  /** Reads the next bytes of the stream: the length a packet declares past the limit, Infinity for a malformed one, else null. */
  push(chunk: Uint8Array): number | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.body > 0) {
        const n = Math.min(this.body, chunk.length - i);
        this.body -= n;
        i += n;
        continue;
      }
      const byte = chunk[i++]!;
      if (this.lengthBytes < 0) {
        this.lengthBytes = 0;
        this.length = 0;
        this.multiplier = 1;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes += 1;
      if (byte & 0x80) {
        if (this.lengthBytes === MAX_LENGTH_BYTES) return Infinity;
        continue;
      }
      if (this.length > this.max) return this.length;
      this.body = this.length;
      this.lengthBytes = -1;
    }
    return null;
  }
}

/**
 * Drops QoS 1 redeliveries and messages older than what was already applied, per source (till or sensor)
 * and topic kind. A lower seq with a newer timestamp means the agent's counter restarted (its spool was
 * wiped); it is accepted so a reinstalled agent is never taken for an old one.
 */
export type SeqVerdict = 'new' | 'duplicate' | 'restarted';

interface Last {
  seq: number;
  at: number;
}

export class SeqGuard {
  private readonly last = new Map<string, Last>();

  check(key: string, seq: number, at: number): SeqVerdict {
    const prev = this.last.get(key);
    if (!prev || seq > prev.seq) {
      this.remember(key, prev, seq, at);
      return 'new';
    }
    if (at > prev.at) {
      this.remember(key, prev, seq, at);
      return 'restarted';
    }
    return 'duplicate';
  }

  /** Forgets every source of a store, e.g. when it is removed. */
  forgetPrefix(prefix: string): void {
    for (const key of this.last.keys()) if (key.startsWith(prefix)) this.last.delete(key);
  }

  get size(): number {
    return this.last.size;
  }

  private remember(key: string, prev: Last | undefined, seq: number, at: number): void {
    if (prev) {
      prev.seq = seq;
      prev.at = Math.max(prev.at, at);
    } else {
      this.last.set(key, { seq, at });
    }
  }
}

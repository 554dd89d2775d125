import { isIP } from 'node:net';

/** At most this many address groups are tracked; past it the oldest window is forgotten first. */
export const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * The unit a throttle counts: an IPv4 address (also when it comes IPv4-mapped, `::ffff:1.2.3.4`), or an IPv6
 * address's /64, since one client usually holds a whole /64 and could rotate through it.
 */
export function addressGroup(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  const bare = address.split('%')[0]!; // a link-local zone (fe80::1%eth0) names an interface, not a client
  if (isIP(bare) !== 6) return address;
  const [head = '', tail] = bare.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  // A dotted IPv4 tail (64:ff9b::1.2.3.4) stands for two groups.
  const size = (gs: string[]) => gs.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const left = groups(head);
  const right = groups(tail);
  const full = tail === undefined ? left : [...left, ...Array<string>(8 - size(left) - size(right)).fill('0'), ...right];
  return `${full.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

/**
 * Counts events (failed sign-ins, handshakes) per address group in fixed windows opened by the group's first
 * event.
 */
export class AddressThrottle {
  /** Insertion order is window-start order, so stale and oldest windows are always at the front. */
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly now: () => number,
    private readonly windowMs: number,
    private readonly maxTracked = MAX_TRACKED_ADDRESSES,
  ) {}

  /** Events from the address's group in its current window. */
  count(address: string): number {
    return this.current(addressGroup(address))?.count ?? 0;
  }

  /** Records an event; returns the group's count in its window, this one included. */
  hit(address: string): number {
    const group = addressGroup(address);
    let window = this.current(group);
    if (!window) {
      this.makeRoom();
      window = { start: this.now(), count: 0 };
      this.windows.set(group, window);
    }
    return ++window.count;
  }

  private current(group: string): { start: number; count: number } | undefined {
    const window = this.windows.get(group);
    if (window && this.now() - window.start >= this.windowMs) {
      this.windows.delete(group);
      return undefined;
    }
    return window;
  }

  private makeRoom(): void {
    const now = this.now();
    for (const [group, window] of this.windows) {
      if (this.windows.size < this.maxTracked && now - window.start < this.windowMs) return;
      this.windows.delete(group);
    }
  }
}

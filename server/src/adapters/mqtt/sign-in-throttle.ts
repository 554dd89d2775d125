/** Failed MQTT sign-ins one remote address may make in a window before its CONNECTs are refused unchecked. */
export const MAX_FAILED_SIGN_INS = 10;
/**
 * Short on purpose: every client behind the blocked address is refused too, valid token or not, so an attacker on a
 * store's NAT can hold that store's reconnecting agents off for up to this long.
 */
export const SIGN_IN_WINDOW_MS = 60_000;
/** At most this many addresses are tracked; past it the oldest window is forgotten first. */
export const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * Counts failed sign-ins per remote address, in fixed windows opened by an address's first failure. Successful
 * sign-ins are not counted and do not reset the count: a valid token must not buy more guesses at other ones.
 */
export class SignInThrottle {
  /** Insertion order is window-start order, so stale and oldest windows are always at the front. */
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly now: () => number,
    private readonly limit = MAX_FAILED_SIGN_INS,
    private readonly windowMs = SIGN_IN_WINDOW_MS,
    private readonly maxTracked = MAX_TRACKED_ADDRESSES,
  ) {}

  blocked(address: string): boolean {
    return (this.current(address)?.failures ?? 0) >= this.limit;
  }

  /** Records a failure; true for the one that blocks the address, so the block is logged once per window. */
  fail(address: string): boolean {
    let window = this.current(address);
    if (!window) {
      this.makeRoom();
      window = { start: this.now(), failures: 0 };
      this.windows.set(address, window);
    }
    window.failures += 1;
    return window.failures === this.limit;
  }

  private current(address: string): { start: number; failures: number } | undefined {
    const window = this.windows.get(address);
    if (window && this.now() - window.start >= this.windowMs) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }

  private makeRoom(): void {
    const now = this.now();
    for (const [address, window] of this.windows) {
      if (this.windows.size < this.maxTracked && now - window.start < this.windowMs) return;
      this.windows.delete(address);
    }
  }
}

import { readFile } from 'node:fs/promises';
import { replaceFile } from '../replace-file.js';
import { httpFailure, httpGet, shownUrl } from '../http-get.js';
import { AxisDiffer, parseLiveSum, type AxisLast, type AxisStep } from './axis.js';
import { MAX_AHEAD_MS } from './bins.js';

/** Fetches `live-sum.json` once; any failure comes back as a reason. */
export async function fetchLiveSum(baseUrl: string, auth: string | null, signal: AbortSignal) {
  const url = `${baseUrl.replace(/\/$/, '')}/local/tvpc/.api?live-sum.json`;
  try {
    const res = await httpGet(url, { signal, headers: auth ? { authorization: auth } : {} });
    if (res.status < 200 || res.status > 299) return { error: `HTTP ${res.status} from ${shownUrl(url)}` };
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      return { error: `answer is not JSON (${res.body.slice(0, 40)}…)` };
    }
    return parseLiveSum(body);
  } catch (err) {
    return { error: `${shownUrl(url)}: ${httpFailure(err)}` };
  }
}

export async function basicAuth(username: string | undefined, passwordFile: string | undefined): Promise<string | null> {
  if (!username) return null;
  const password = passwordFile ? (await readFile(passwordFile, 'utf8')).trim() : '';
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/**
 * Polls one Axis counter; each reading is differenced into a bin, failures are reported, never
 * thrown. With a state file, the last reading survives agent restarts (written after each reading,
 * asynchronously, by rename so that a crash never leaves half a file).
 */
export class AxisPoller {
  private differ: AxisDiffer;
  lastError: string | null = null;
  /** The reading of a bin handed out but not yet spooled. */
  private unspooled: AxisLast | null = null;

  constructor(
    private readonly url: string,
    private readonly timezone: string,
    private readonly auth: string | null,
    private readonly stateFile: string | null = null,
  ) {
    this.differ = new AxisDiffer(timezone);
  }

  /**
   * Loads the saved last reading, if there is a usable one; otherwise the next reading is a new
   * baseline. Says why a saved reading was not used.
   */
  async restore(): Promise<string | null> {
    if (!this.stateFile) return null;
    let saved: Partial<AxisLast> | null;
    try {
      saved = JSON.parse(await readFile(this.stateFile, 'utf8')) as Partial<AxisLast> | null;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? null : `saved reading unreadable: ${(err as Error).message}`;
    }
    const ok = saved !== null && Number.isFinite(saved.utc) && typeof saved.day === 'string' && Number.isInteger(saved.in) && Number.isInteger(saved.out);
    if (!ok) return 'saved reading is not one';
    const s = saved as AxisLast;
    // Saved by an agent that took a device's wrong clock: kept, it would have every real reading ignored.
    if (s.utc > Date.now() + MAX_AHEAD_MS) return `saved reading at ${new Date(s.utc).toISOString()} is in the future`;
    this.differ = new AxisDiffer(this.timezone, s);
    return null;
  }

  async poll(signal: AbortSignal): Promise<AxisStep | { kind: 'error'; reason: string }> {
    const r = await fetchLiveSum(this.url, this.auth, signal);
    if ('error' in r) {
      this.lastError = r.error;
      return { kind: 'error', reason: r.error };
    }
    this.lastError = null;
    const before = this.differ.state;
    const step = this.differ.push(r);
    // A gap has nothing to spool: its reading is the new start at once.
    if (step.kind === 'baseline' || step.kind === 'gap') await this.save();
    if (step.kind === 'bin') {
      // Taken as the last reading only once its bin is on disk (spooled()): if spooling fails, the next bin starts
      // from the reading before and carries these counts too.
      this.unspooled = this.differ.state;
      this.differ.resume(before);
    }
    return step;
  }

  /** The bin of the last poll is spooled: its reading becomes the last one, here and in the state file. */
  async spooled(): Promise<void> {
    if (!this.unspooled) return;
    this.differ.resume(this.unspooled);
    this.unspooled = null;
    await this.save();
  }

  private async save(): Promise<void> {
    if (!this.stateFile) return;
    // Flushed before it replaces the last: a reading lost to a power cut would make the next bin overlap the one spooled.
    await replaceFile(this.stateFile, JSON.stringify(this.differ.state));
  }
}

import type { StoreMaintenance } from '@storepulse/protocol';
import { maintenanceSchedule, type MaintenanceNow, type MaintenanceTarget, type MaintenanceWindow } from '../../domain/incidents/index.js';

const same = (a: MaintenanceNow | undefined, b: MaintenanceNow | undefined) => a?.windowId === b?.windowId && a?.until === b?.until;

/**
 * Which stores are in maintenance now, for the store list, the store page and the wall. Worked out again when the
 * windows or the stores change and when a window of theirs starts or ends (a timer for the next such moment), not
 * on every read: a chain-wide window covers thousands of stores. Reports the stores whose maintenance changed.
 */
export class MaintenanceTracker {
  private current = new Map<string, MaintenanceNow>();
  private windows: readonly MaintenanceWindow[] = [];
  private stores: readonly MaintenanceTarget[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly now: () => number,
    private readonly onChange: (storeIds: string[]) => void,
  ) {}

  /** New windows or stores: looked at again now. */
  reset(windows: readonly MaintenanceWindow[], stores: readonly MaintenanceTarget[]): void {
    this.windows = windows;
    this.stores = stores;
    this.refresh();
  }

  of(storeId: string): StoreMaintenance | null {
    const m = this.current.get(storeId);
    return m ? { windowId: m.windowId, until: new Date(m.until).toISOString() } : null;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private refresh(): void {
    const at = this.now();
    const { now, nextChange } = maintenanceSchedule(this.windows, this.stores, at);
    const changed = [...new Set([...this.current.keys(), ...now.keys()])].filter((id) => !same(this.current.get(id), now.get(id)));
    this.current = now;
    this.close();
    this.timer = setTimeout(() => this.refresh(), nextChange - at);
    this.timer.unref();
    if (changed.length > 0) this.onChange(changed);
  }
}

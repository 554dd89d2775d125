import type { StoreConfig } from '../../domain/store.js';
import type { IncidentStore, IncidentTimings, MaintenanceWindow, StoreModel, EngineConfig } from '../../domain/incidents/index.js';
import type { StoreIncidentExtras } from '../../config/incidents-input.js';

/** A store as the engine sees it: its config plus the file's backup tills, groups and default visitors. */
export function incidentStore(config: StoreConfig, extras: StoreIncidentExtras | undefined): IncidentStore {
  if (!extras) return config;
  // A till removed from the store through the API is no backup till either.
  const backupTills = extras.backupTills.filter((t) => config.tills.includes(t));
  return { ...config, backupTills, groups: extras.groups, defaultVisitorsPerHour: extras.defaultVisitorsPerHour };
}

export function engineConfig(
  stores: Iterable<StoreConfig>,
  extras: Record<string, StoreIncidentExtras>,
  timings: IncidentTimings,
  maintenance: MaintenanceWindow[],
  models: Record<string, StoreModel>,
): EngineConfig {
  const byId: Record<string, IncidentStore> = {};
  for (const s of stores) byId[s.id] = incidentStore(s, extras[s.id]);
  return { incidents: timings, stores: byId, maintenance, models };
}

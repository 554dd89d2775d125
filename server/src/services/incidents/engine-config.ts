import type { StoreConfig } from '../../domain/store.js';
import type { IncidentStore, IncidentTimings, MaintenanceWindow, StoreModel, EngineConfig } from '../../domain/incidents/index.js';

export function engineConfig(
  stores: Iterable<StoreConfig>,
  timings: IncidentTimings,
  maintenance: MaintenanceWindow[],
  models: Record<string, StoreModel>,
  modelsLearning = false,
): EngineConfig {
  const byId: Record<string, IncidentStore> = {};
  for (const s of stores) byId[s.id] = s;
  return { incidents: timings, stores: byId, maintenance, models, modelsLearning };
}

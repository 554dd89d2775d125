import type { Weekday } from '@storepulse/protocol';
import { DEFAULT_INCIDENT_TIMINGS, maintenanceProblem, type IncidentTimings, type MaintenanceWindow } from '../domain/incidents/index.js';
import type { MaintenanceInput } from './incidents-schema.js';

export function toIncidentTimings(input: { pendingSec?: number; recoverSec?: number } | undefined): IncidentTimings {
  return {
    pendingSec: input?.pendingSec ?? DEFAULT_INCIDENT_TIMINGS.pendingSec,
    recoverSec: input?.recoverSec ?? DEFAULT_INCIDENT_TIMINGS.recoverSec,
  };
}

export function toMaintenanceWindow(input: MaintenanceInput): MaintenanceWindow {
  const w: MaintenanceWindow = { id: input.id };
  if (input.storeIds) w.storeIds = [...input.storeIds];
  if (input.groups) w.groups = [...input.groups];
  if (input.start !== undefined) w.start = input.start;
  if (input.end !== undefined) w.end = input.end;
  if (input.recurrence) w.recurrence = { weekdays: [...input.recurrence.weekdays] as Weekday[], hours: input.recurrence.hours };
  return w;
}

/** The domain's verdict on a window, as a config or API problem line, or null when it is usable. */
export function maintenanceInputProblem(input: MaintenanceInput, path: string): string | null {
  const problem = maintenanceProblem(toMaintenanceWindow(input));
  return problem ? `${path}: ${problem}` : null;
}

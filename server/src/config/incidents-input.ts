import type { Weekday } from '@storepulse/protocol';
import { DEFAULT_INCIDENT_TIMINGS, maintenanceProblem, type IncidentTimings, type MaintenanceWindow } from '../domain/incidents/index.js';
import type { FileStoreInput, MaintenanceInput } from './incidents-schema.js';

/** What a store adds to its config for incidents; stores created through the API have none of it. */
export interface StoreIncidentExtras {
  backupTills: string[];
  groups: string[];
  defaultVisitorsPerHour: number | null;
}

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

export function storeExtrasProblems(input: FileStoreInput, path: string): string[] {
  const problems: string[] = [];
  for (const [i, t] of (input.backupTills ?? []).entries()) {
    if (!input.tills.includes(t)) problems.push(`${path}.backupTills[${i}] "${t}" is not one of the store's tills`);
  }
  if (input.backupTills && input.tills.every((t) => input.backupTills!.includes(t))) {
    problems.push(`${path}.backupTills lists every till; at least one till must sell every day`);
  }
  return problems;
}

export function toStoreExtras(input: FileStoreInput): StoreIncidentExtras {
  return {
    backupTills: [...(input.backupTills ?? [])],
    groups: [...(input.groups ?? [])],
    defaultVisitorsPerHour: input.defaultVisitorsPerHour ?? null,
  };
}

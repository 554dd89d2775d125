import type { FleetStore } from '@storepulse/agents';
import { isOpenAt } from '../domain/opening-hours.js';

const AREAS = { Europe: ['EUR', 'GBP'], 'the Americas': ['USD', 'MXN'] } as const;
type Area = keyof typeof AREAS;

/** A provider as the config file takes it. */
interface DemoProvider {
  id: string;
  name: string;
  categories: string[];
  stores: string[];
  sla: Record<string, Record<string, string>>;
  escalation?: { after: string; notify: string }[];
}

/**
 * Two service providers by region, so tickets open and route in the demo; stores of the other regions stay with
 * HQ's unassigned queue, as they would before a chain signs a contract there. Faults strike open stores only, so
 * Pilot (the provider whose phone link the demo prints) serves Europe or the Americas, whichever has more stores
 * open when the demo starts: its view then has tickets at any hour.
 */
export function demoProviders(fleet: readonly FleetStore[], now: number): { list: DemoProvider[]; pilotArea: Area } {
  const inArea = (currencies: readonly string[]) => fleet.filter((s) => currencies.includes(s.currency));
  const cities = (currencies: readonly string[]) => [...new Set(inArea(currencies).map((s) => s.city))];
  const openIn = (area: Area) => inArea(AREAS[area]).filter((s) => isOpenAt(s.hours, s.timezone, now)).length;
  const pilotArea: Area = openIn('the Americas') > openIn('Europe') ? 'the Americas' : 'Europe';
  const sla = {
    P1: { response: '15m', onSite: '4h', resolve: '8h', clock: '24x7' },
    P2: { response: '1h', onSite: '8h', resolve: '1d', clock: 'store_hours' },
    P3: { response: '4h', resolve: '2d', clock: 'store_hours' },
  };
  // A small DEMO_STORES fleet may have no store in a provider's region: a provider without stores is left out.
  const list: DemoProvider[] = [
    { id: 'pilot', name: 'Pilot Service', categories: ['all'], stores: cities(AREAS[pilotArea]), sla, escalation: [{ after: '15m', notify: 'duty-manager@pilot.example' }] },
    { id: 'nord', name: 'Nord Retail Tech', categories: ['pos', 'printer'], stores: cities(['RUB']), sla },
  ].filter((p) => p.stores.length > 0);
  return { list, pilotArea };
}

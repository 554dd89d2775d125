import type { StoreConfig } from '../../../src/domain/store.js';
import { toProvider, type ProviderConfig } from '../../../src/domain/sla/providers.js';

export const H = 3_600_000;
export const M = 60_000;
export const at = (iso: string) => Date.parse(iso);

export function store(over: Partial<StoreConfig> = {}): StoreConfig {
  return {
    id: 'S001',
    name: 'Gran Vía',
    city: 'Madrid',
    timezone: 'Europe/Madrid',
    currency: 'EUR',
    tills: ['T1', 'T2', 'T3', 'T4'],
    hours: { mon: '10:00-22:00', tue: '10:00-22:00', wed: '10:00-22:00', thu: '10:00-22:00', fri: '10:00-22:00', sat: '10:00-22:00', sun: null },
    holidays: [],
    provider: null,
    conversion: 0.2,
    avgBasket: 30,
    ...over,
  };
}

export const pilotConfig: ProviderConfig = {
  id: 'pilot',
  name: 'Pilot Service',
  categories: ['all'],
  stores: ['S001', 'S002'],
  webhooks: [{ url: 'https://helpdesk.example/hooks/storepulse', secret: 'change-me', events: ['ticket.opened', 'ticket.updated', 'ticket.closed'] }],
  sla: {
    P1: { response: '15m', onSite: '4h', resolve: '8h', clock: '24x7' },
    P2: { response: '1h', onSite: '8h', resolve: '1d', clock: 'store_hours' },
    P3: { response: '4h', resolve: '2d', clock: 'store_hours' },
  },
  escalation: [{ after: '15m', notify: 'duty-manager@pilot.example' }],
};

export const pilot = () => toProvider(pilotConfig);

import Type from 'typebox';
import { STORE_STATES, TILL_STATES, rankingWorth, type HqCurrency, type StoreState, type TillState } from '@storepulse/protocol';
import type { IncidentService } from '../../../services/incidents/incident-service.js';
import type { StoreService } from '../../../services/store-service.js';
import { PEOPLE, type App } from '../../types.js';
import { IncidentSummary, LostToday } from './incidents.js';

const counts = <T extends readonly string[]>(keys: T) => Type.Object(Object.fromEntries(keys.map((k) => [k, Type.Integer()])));

const Summary = Type.Object({
  at: Type.String(),
  stores: Type.Object({ total: Type.Integer(), byState: counts(STORE_STATES) }),
  tills: Type.Object({ total: Type.Integer(), down: Type.Integer(), byState: counts(TILL_STATES) }),
  lostRevenueToday: Type.Array(LostToday),
  openIncidents: Type.Array(IncidentSummary),
  hq: Type.Union([Type.Object({ currency: Type.String(), rates: Type.Record(Type.String(), Type.Number()) }), Type.Null()]),
});

export async function summaryRoutes(app: App, opts: { incidents: IncidentService; stores: StoreService; hq: HqCurrency | null }) {
  app.get('/api/summary', {
    config: { roles: PEOPLE },
    schema: {
      tags: ['incidents'],
      summary: 'Fleet totals you may see: stores by state, tills by state, lost revenue today per currency, open incidents',
      response: { 200: Summary },
    },
  }, async (req) => {
    const who = req.principal!;
    const stores = opts.stores.list(who);
    const storeStates = Object.fromEntries(STORE_STATES.map((s) => [s, 0])) as Record<StoreState, number>;
    const tillStates = Object.fromEntries(TILL_STATES.map((s) => [s, 0])) as Record<TillState, number>;
    let tills = 0;
    for (const s of stores) {
      storeStates[s.state]++;
      tills += s.tills.total;
      for (const t of TILL_STATES) tillStates[t] += s.tills[t];
    }
    const open = opts.incidents
      .openIncidents(who)
      // By what each costs in HQ's currency: ranked raw, 50,000 roubles would come before 5,000 euros.
      .sort((a, b) => rankingWorth(b.lostRevenue.gross, b.lostRevenue.currency, opts.hq) - rankingWorth(a.lostRevenue.gross, a.lostRevenue.currency, opts.hq))
      .map(({ timeline: _t, components: _c, ...rest }) => rest);
    return {
      at: new Date().toISOString(),
      stores: { total: stores.length, byState: storeStates },
      tills: { total: tills, down: tillStates.down, byState: tillStates },
      lostRevenueToday: opts.incidents.lostToday(who),
      openIncidents: open,
      hq: opts.hq,
    };
  });
}

/**
 * Line protocol for each telemetry point, built with the InfluxDB client's Point. Tags are bounded
 * (store, city, till, sensor, kind, provider); ids that grow without limit are fields.
 */
import { Point } from '@influxdata/influxdb-client';
import { STORE_STATES } from '@storepulse/protocol';
import { toSeconds } from '../bins.js';
import { isOpenPhase, type FootfallBinPoint, type IncidentPoint, type SalesBinPoint, type StoreStatePoint, type TillOnlinePoint, type TillStatusPoint } from '../port.js';

export const MEASUREMENTS = {
  tillStatus: 'till_status',
  tillOnline: 'till_online',
  footfall: 'footfall',
  sales: 'sales',
  storeState: 'store_state',
  incident: 'incident',
  footfall15m: 'footfall_15m',
  sales15m: 'sales_15m',
  availability15m: 'availability_15m',
} as const;

function line(p: Point): string {
  const text = p.toLineProtocol();
  if (text === undefined) throw new Error('point without fields');
  return text;
}

export function tillStatusLine(p: TillStatusPoint, city: string): string {
  const point = new Point(MEASUREMENTS.tillStatus)
    .tag('store', p.storeId)
    .tag('city', city)
    .tag('till', p.tillId)
    .stringField('state', p.state)
    .intField('up', p.state === 'up' ? 1 : 0)
    .timestamp(toSeconds(p.at));
  // A tag, so that till state histories can leave keyframes out before their LIMIT counts them.
  if (p.keyframe) point.tag('keyframe', '1');
  for (const [name, state] of Object.entries(p.components ?? {})) point.stringField(name, state);
  return line(point);
}

export function tillOnlineLine(p: TillOnlinePoint, city: string): string {
  return line(
    new Point(MEASUREMENTS.tillOnline)
      .tag('store', p.storeId)
      .tag('city', city)
      .tag('till', p.tillId)
      .intField('online', p.online ? 1 : 0)
      .timestamp(toSeconds(p.at)),
  );
}

export function footfallLine(b: FootfallBinPoint, city: string): string {
  return line(
    new Point(MEASUREMENTS.footfall)
      .tag('store', b.storeId)
      .tag('city', city)
      .tag('sensor', b.sensorId)
      .intField('in', b.in)
      .intField('out', b.out)
      .intField('seconds', toSeconds(b.binEnd) - toSeconds(b.binStart))
      .timestamp(toSeconds(b.binStart)),
  );
}

export function salesLine(b: SalesBinPoint, city: string): string {
  return line(
    new Point(MEASUREMENTS.sales)
      .tag('store', b.storeId)
      .tag('city', city)
      .tag('till', b.tillId)
      .intField('transactions', b.transactions)
      .floatField('revenue', b.revenue)
      .stringField('currency', b.currency)
      .intField('seconds', toSeconds(b.binEnd) - toSeconds(b.binStart))
      .timestamp(toSeconds(b.binStart)),
  );
}

/** Besides the state string, one 0/1 field per state, so that dashboards can count stores by state. */
export function storeStateLine(p: StoreStatePoint, city: string): string {
  const point = new Point(MEASUREMENTS.storeState)
    .tag('store', p.storeId)
    .tag('city', city)
    .stringField('state', p.state)
    .intField('tills_up', p.tillsUp)
    .intField('tills_total', p.tillsTotal)
    .timestamp(toSeconds(p.at));
  for (const s of STORE_STATES) point.intField(s, p.state === s ? 1 : 0);
  return line(point);
}

export function incidentLine(e: IncidentPoint, city: string): string {
  const point = new Point(MEASUREMENTS.incident)
    .tag('store', e.storeId)
    .tag('city', city)
    .tag('kind', e.kind)
    .stringField('id', e.incidentId)
    .stringField('phase', e.phase)
    .stringField('title', e.title)
    .intField('open', isOpenPhase(e.phase) ? 1 : 0)
    .timestamp(toSeconds(e.at));
  if (e.tillId !== null) point.tag('till', e.tillId);
  if (e.provider) point.tag('provider', e.provider);
  if (e.lostRevenue !== undefined) point.floatField('lost_revenue', e.lostRevenue);
  if (e.lostRevenueNet !== undefined) point.floatField('lost_revenue_net', e.lostRevenueNet);
  if (e.durationSeconds !== undefined) point.intField('duration_s', e.durationSeconds);
  if (e.slaBreached !== undefined) point.intField('sla_breached', e.slaBreached ? 1 : 0);
  if (e.ticketId !== undefined) point.stringField('ticket', e.ticketId);
  return line(point);
}

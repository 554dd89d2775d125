/** Tables of the embedded telemetry store. Times are epoch seconds; each primary key is InfluxDB's series key plus time. */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS till_status (
  store TEXT NOT NULL, till TEXT NOT NULL, t INTEGER NOT NULL, city TEXT NOT NULL, state TEXT NOT NULL,
  pos TEXT, printer TEXT, payment TEXT, network TEXT,
  PRIMARY KEY (store, till, t)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS till_online (
  store TEXT NOT NULL, till TEXT NOT NULL, t INTEGER NOT NULL, city TEXT NOT NULL, online INTEGER NOT NULL,
  PRIMARY KEY (store, till, t)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS footfall (
  store TEXT NOT NULL, sensor TEXT NOT NULL, t INTEGER NOT NULL, city TEXT NOT NULL,
  seconds INTEGER NOT NULL, in_count INTEGER NOT NULL, out_count INTEGER NOT NULL,
  PRIMARY KEY (store, sensor, t)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sales (
  store TEXT NOT NULL, till TEXT NOT NULL, t INTEGER NOT NULL, city TEXT NOT NULL, seconds INTEGER NOT NULL,
  transactions INTEGER NOT NULL, revenue REAL NOT NULL, currency TEXT NOT NULL,
  PRIMARY KEY (store, till, t)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS store_state (
  store TEXT NOT NULL, t INTEGER NOT NULL, city TEXT NOT NULL, state TEXT NOT NULL,
  tills_up INTEGER NOT NULL, tills_total INTEGER NOT NULL,
  PRIMARY KEY (store, t)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS incident (
  store TEXT NOT NULL, till TEXT NOT NULL, kind TEXT NOT NULL, t INTEGER NOT NULL, city TEXT NOT NULL,
  incident_id TEXT NOT NULL, phase TEXT NOT NULL, title TEXT NOT NULL,
  provider TEXT, lost_revenue REAL, duration_s INTEGER, sla_breached INTEGER, lost_revenue_net REAL, ticket TEXT,
  PRIMARY KEY (store, till, kind, t)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS footfall_15m (
  store TEXT NOT NULL, t INTEGER NOT NULL, city TEXT NOT NULL, in_count INTEGER NOT NULL, out_count INTEGER NOT NULL,
  PRIMARY KEY (store, t)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sales_15m (
  store TEXT NOT NULL, t INTEGER NOT NULL, city TEXT NOT NULL, transactions INTEGER NOT NULL, revenue REAL NOT NULL,
  PRIMARY KEY (store, t)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS availability_15m (
  store TEXT NOT NULL, t INTEGER NOT NULL, city TEXT NOT NULL, tills_up INTEGER NOT NULL,
  PRIMARY KEY (store, t)) WITHOUT ROWID;
`;

/** Columns added to a table after it first shipped: CREATE TABLE IF NOT EXISTS leaves an older database without them. */
export const SQLITE_ADDED_COLUMNS = [
  { table: 'incident', column: 'lost_revenue_net', type: 'REAL' },
  { table: 'incident', column: 'ticket', type: 'TEXT' },
] as const;

export const RAW_TABLES = ['till_status', 'till_online', 'footfall', 'sales', 'store_state', 'incident'] as const;
export const ROLLUP_TABLES = ['footfall_15m', 'sales_15m', 'availability_15m'] as const;

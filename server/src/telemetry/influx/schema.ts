/**
 * Database and retention policies on InfluxDB 1.x. On 2.x and 3 the buckets (or databases) and their
 * retention are created at install time instead (see docs/production.md), so nothing runs there.
 */
import { influxIdent, type InfluxHttp } from './http.js';

export interface RetentionSpec {
  /** Retention policy name; the raw one becomes the database's default. */
  name: string;
  /** InfluxQL duration, e.g. "30d", "400d" or "INF". */
  duration: string;
}

export interface InfluxRetention {
  raw: RetentionSpec;
  rollup: RetentionSpec;
}

/** True when the server speaks InfluxDB 1.x, where the database and retention policies can be managed over InfluxQL. */
export function isV1(version: string | null): boolean {
  return version !== null && /^v?1\./.test(version);
}

/** Creates the database and both retention policies, or brings their durations in line. Idempotent. */
export async function ensureV1Schema(http: InfluxHttp, retention: InfluxRetention): Promise<void> {
  const db = influxIdent(http.db);
  await http.query(`CREATE DATABASE ${db}`);
  const [series] = await http.query(`SHOW RETENTION POLICIES ON ${db}`);
  const existing = new Set((series?.[0]?.values ?? []).map((row) => String(row[0])));
  for (const [spec, isDefault] of [[retention.raw, true], [retention.rollup, false]] as const) {
    const verb = existing.has(spec.name) ? 'ALTER' : 'CREATE';
    await http.query(
      `${verb} RETENTION POLICY ${influxIdent(spec.name)} ON ${db} DURATION ${spec.duration} REPLICATION 1${isDefault ? ' DEFAULT' : ''}`,
    );
  }
}

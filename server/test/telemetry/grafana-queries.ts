/** The dashboards as JSON, and their queries with Grafana's macros and variables filled in as Grafana would. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const grafana = join(root, 'grafana');

export interface Target { refId: string; query: string; rawQuery?: boolean; datasource?: { uid: string } }
export interface Panel { id: number; title: string; type: string; targets?: Target[]; datasource?: { uid: string } }
export interface Variable { name: string; type: string; query: string; multi?: boolean; includeAll?: boolean; allValue?: string }
export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
  annotations: { list: { name: string; query?: string; datasource?: { uid: string } }[] };
}

export const dashboards: [string, Dashboard][] = readdirSync(join(grafana, 'dashboards'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(join(grafana, 'dashboards', f), 'utf8')) as Dashboard]);

/** Grafana's InfluxQL macros for a time range and interval. */
export function expandMacros(q: string, from: number, to: number, intervalMs: number): string {
  return q
    .replaceAll('$timeFilter', `time >= ${from}ms and time <= ${to}ms`)
    .replaceAll('$__interval_ms', String(intervalMs))
    .replaceAll('$__interval', `${intervalMs / 1000}s`)
    .replaceAll('$interval', `${intervalMs / 1000}s`)
    .replaceAll('$__from', String(from))
    .replaceAll('$__to', String(to));
}

/** Variables as Grafana formats them inside a regex: one value as is, several as (a|b), All as the allValue. */
export function expandVariables(q: string, values: Record<string, string[] | 'all'>, vars: Variable[]): string {
  return q.replace(/\$\{(\w+)\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, a?: string, b?: string, c?: string) => {
    const name = a ?? b ?? c!;
    const v = values[name];
    if (v === undefined) return whole;
    if (v === 'all') return vars.find((x) => x.name === name)!.allValue ?? '.*';
    return v.length === 1 ? v[0]! : `(${v.join('|')})`;
  });
}

/** One panel's query (its first unless `refId` says), over [from, to], with every variable at All. */
export function panelQuery(file: string, title: string, from: number, to: number, refId = 'A'): string {
  const [, d] = dashboards.find(([f]) => f === file)!;
  const panel = d.panels.find((p) => p.title === title)!;
  const all = Object.fromEntries(d.templating.list.map((v) => [v.name, 'all' as const]));
  return expandVariables(expandMacros(panel.targets!.find((t) => t.refId === refId)!.query, from, to, 60_000), all, d.templating.list);
}

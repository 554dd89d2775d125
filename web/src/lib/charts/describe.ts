import type { SlaReportRow } from '@storepulse/protocol';
import { formatNumber } from '$lib/format.js';
import { incidentKindLabel } from '$lib/i18n/labels.js';
import { m } from '$lib/paraglide/messages.js';
import type { Locale } from '$lib/paraglide/runtime.js';
import type { StoreChartFacts } from './store-chart.js';

const list = (locale: string, items: string[]) => new Intl.ListFormat(locale, { type: 'conjunction' }).format(items);

/**
 * The store chart's text alternative, in the reader's language: today's visitors so far (and the expected number),
 * the tills available now and at the fewest, and the incidents drawn.
 */
export function describeStoreChart(facts: StoreChartFacts, locale: Locale): string {
  const o = { locale };
  const n = (v: number) => formatNumber(locale, Math.round(v));
  const parts: string[] = [m.store_chart_title({}, o)];
  if (facts.visitors === null) parts.push(m.chart_desc_no_visitors({}, o));
  else {
    const visitors = m.chart_desc_visitors({ count: Math.round(facts.visitors), countText: n(facts.visitors) }, o);
    parts.push(facts.expected === null ? visitors : `${visitors} (${m.chart_desc_expected({ expected: n(facts.expected) }, o)})`);
  }
  if (facts.tillsNow !== null && facts.tillsMin !== null) {
    parts.push(
      facts.tillsTotal === null
        ? m.chart_desc_tills({ now: n(facts.tillsNow), min: n(facts.tillsMin) }, o)
        : m.chart_desc_tills_of({ now: n(facts.tillsNow), total: n(facts.tillsTotal), min: n(facts.tillsMin) }, o),
    );
  }
  if (facts.incidents.length === 0) parts.push(m.chart_desc_no_incidents({}, o));
  else {
    const kinds = list(locale, [...new Set(facts.incidents.map((k) => incidentKindLabel(k, locale)))]);
    parts.push(m.chart_desc_incidents({ count: facts.incidents.length, countText: n(facts.incidents.length), kinds }, o));
  }
  return parts.join('. ') + '.';
}

/** The SLA chart's text alternative: each bar pair in words. */
export function describeSlaChart(rows: readonly SlaReportRow[], name: (id: string | null) => string, locale: Locale): string {
  const o = { locale };
  const n = (v: number) => formatNumber(locale, v);
  const each = rows.map(
    (r) =>
      `${name(r.providerId)}: ${m.sla_chart_tickets({ count: r.tickets.total, countText: n(r.tickets.total) }, o)}, ` +
      m.sla_chart_breaches({ count: r.breaches.total, countText: n(r.breaches.total) }, o),
  );
  return `${m.sla_chart_title({}, o)}: ${each.join('; ')}.`;
}

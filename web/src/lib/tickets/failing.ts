import type { StillFailing, StillFailingCondition } from '@storepulse/protocol';
import { agentDetail, categoryLabel, componentStateLabel, tillStateLabel } from '$lib/i18n/labels.js';
import { m } from '$lib/paraglide/messages.js';
import { getLocale, type Locale } from '$lib/paraglide/runtime.js';

const CONDITION: Record<StillFailingCondition, (locale: Locale) => string> = {
  offline: (locale) => tillStateLabel('offline', locale),
  down: (locale) => tillStateLabel('down', locale),
  degraded: (locale) => tillStateLabel('degraded', locale),
  not_reporting: (locale) => m.still_failing_not_reporting({}, { locale }),
  silent: (locale) => m.still_failing_silent({}, { locale }),
};

/**
 * What still fails, a line a group of tills, in the reader's language: "T4 (Receipt printer: paper out)", "T1, T2
 * (offline)". The agent's own words stay quoted as it sent them; a component or state this page does not know is
 * shown as sent.
 */
export function stillFailingLines(groups: readonly StillFailing[], locale: Locale = getLocale()): string[] {
  const o = { locale };
  const lower = (text: string) => text.toLocaleLowerCase(locale);
  return groups.map((g) => {
    const faults =
      g.components.length > 0
        ? g.components
            .map((c) => {
              const state = lower(componentStateLabel(c.state, locale));
              const said = agentDetail(c, locale);
              return m.still_failing_fault({ component: categoryLabel(c.name, locale), state: said ? `${state}, ${said}` : state }, o);
            })
            .join('; ')
        : lower(g.condition ? (CONDITION[g.condition]?.(locale) ?? g.condition) : tillStateLabel('down', locale));
    // The tills lead, whatever the language: the rule for "several tills" (severalTillsFailing) reads them there.
    return `${g.tillIds.join(', ')} (${faults})`;
  });
}

/**
 * Whether a ticket's still-failing lines name more than one till: several lines, or one whose tills are a list ("T1,
 * T2 are still offline", or as the web words `stillFailing`, "T1, T2 (offline)"). The server's refusal and the web's
 * wording go by the same rule.
 */
export function severalTillsFailing(failing: readonly string[]): boolean {
  return failing.length > 1 || (failing.length === 1 && failing[0]!.split(' ')[0]!.endsWith(','));
}

/** What tills still at fault are when none of their components says what is wrong. */
export const STILL_FAILING_CONDITIONS = ['offline', 'not_reporting', 'down', 'degraded', 'silent'] as const;
export type StillFailingCondition = (typeof STILL_FAILING_CONDITIONS)[number];

/**
 * Tills still at fault in the same way, as a ticket carries them beside its `failing` lines, for each reader to word
 * in their own language: the components they report not ok (as reported; `detail` is the agent's own words), or,
 * when they report none, what the tills are.
 */
export interface StillFailing {
  tillIds: string[];
  components: { name: string; state: string; detail?: string }[];
  condition: StillFailingCondition | null;
}

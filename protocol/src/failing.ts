/**
 * Whether a ticket's still-failing lines (`TicketView.failing`) name more than one till: several lines, or one whose
 * tills are a list ("T1, T2 are still offline"). The server's refusal and the web's wording go by the same rule.
 */
export function severalTillsFailing(failing: readonly string[]): boolean {
  return failing.length > 1 || (failing.length === 1 && failing[0]!.split(' ')[0]!.endsWith(','));
}

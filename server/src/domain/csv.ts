/**
 * A spreadsheet cell. Text that a spreadsheet would run as a formula (=, +, @, a tab, or a minus not starting a
 * number) is defused with a leading quote mark, since store and provider names are typed by people; then it is quoted
 * when it holds a comma, a quote or a line break.
 */
export function csvCell(v: string): string {
  const safe = /^[=+@\t\r]|^-(?!\d)/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

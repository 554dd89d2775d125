/**
 * A webhook URL can itself be the credential (Slack and Teams incoming webhooks, tokens in paths or queries): logs
 * and the API show only its origin.
 */
export function maskedUrl(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '…';
  }
}

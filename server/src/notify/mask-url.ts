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

/** Masks every URL in a text, such as an error a sender threw that quotes the address it could not reach. */
export function withoutUrls(text: string): string {
  return text.replace(/\bhttps?:\/\/[^\s"'<>]+/gi, (url) => maskedUrl(url));
}

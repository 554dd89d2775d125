import type { WebhookBody } from './payload.js';

const HEADLINES: Record<WebhookBody['type'], string> = {
  'ticket.opened': 'New ticket',
  'ticket.updated': 'Ticket updated',
  'ticket.escalated': 'Ticket escalated',
  'sla.warning': 'SLA warning',
  'sla.breached': 'SLA breached',
  'ticket.closed': 'Ticket closed',
  'ticket.withdrawn': 'Ticket assigned to another provider',
};

/** One plain line for chats and email subjects, e.g. "SLA breached: T-… P2 pos at S001 (response)". */
export function summaryLine(body: WebhookBody): string {
  const t = body.ticket;
  const d = body.detail;
  const extra = d?.target ? ` (${d.target}${d.percent ? ` ${d.percent} %` : ''})` : d?.notify ? ` (to ${d.notify})` : '';
  return `${HEADLINES[body.type]}: ${t.id} ${t.priority} ${t.category} at ${t.storeId}, ${t.status}${extra}`;
}

/** A few lines of detail for chats and email bodies. */
export function detailLines(body: WebhookBody): string[] {
  const t = body.ticket;
  const lines = [`Tills: ${t.tillIds.join(', ') || 'whole store'}`, `Started: ${t.startedAt}`];
  if (t.details) lines.push(`Details: ${t.details}`);
  if (t.sla.resolveDueAt) lines.push(`Resolve due: ${t.sla.resolveDueAt}`);
  const lost = t.lostRevenue;
  // A store offline counts nothing until its tills' sales come in: its bound, not a 0 that reads as "costs nothing".
  if (lost?.uncounted) lines.push(`Lost revenue so far: none counted yet, up to ${lost.high.toFixed(2)} ${lost.currency}`);
  else if (lost) lines.push(`Lost revenue so far: ${lost.net.toFixed(2)} ${lost.currency}`);
  return lines;
}

/**
 * Slack reads `<…>` as links and mentions (`<!channel>`, `<https://a|shown>`): a till's fault text comes from the
 * store's agent, so it must not ping a provider's channel or show one address while linking another.
 */
function slackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Teams renders a TextBlock as markdown: `[shown](elsewhere)` would be a disguised link, so its brackets are
 * escaped (only those: Teams' mobile apps have shown other escapes as stray backslashes).
 */
function teamsText(text: string): string {
  return text.replace(/[\\[\]]/g, '\\$&');
}

/** Slack incoming-webhook message. */
export function slackMessage(body: WebhookBody): { text: string } {
  return { text: [`*${slackText(summaryLine(body))}*`, ...detailLines(body).map(slackText)].join('\n') };
}

/** Teams message with an Adaptive Card, which Teams incoming webhooks and Workflows both accept. */
export function teamsMessage(body: WebhookBody) {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: teamsText(summaryLine(body)), weight: 'Bolder', wrap: true },
            ...detailLines(body).map((text) => ({ type: 'TextBlock', text: teamsText(text), wrap: true, spacing: 'None' })),
          ],
        },
      },
    ],
  };
}

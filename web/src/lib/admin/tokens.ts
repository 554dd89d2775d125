import type { Role } from '@storepulse/protocol';
import type { ScopeWarning, TokenInfo, TokenRequest } from '$lib/api.js';
import { m } from '$lib/paraglide/messages.js';
import type { Names } from './names.js';

/** The roles an HQ admin issues, the most frequent first: engineers come and go more often than wall screens. */
export const ISSUABLE_ROLES: readonly Role[] = ['provider', 'hq-viewer', 'agent', 'hq-admin'];

/** The issue form as the page holds it: empty strings for fields not chosen. */
export interface IssueForm {
  role: Role;
  label: string;
  providerId: string;
  storeId: string;
}

/** The server's limit on a label. */
export const LABEL_MAX = 200;

/**
 * What to send for the form, or null while it is incomplete. Only the scope the role takes goes out (a provider's
 * id, an agent's store if one is chosen): a provider chosen before switching to another role must not be sent,
 * the server refuses it.
 */
export function issueRequest(form: IssueForm): TokenRequest | null {
  const label = form.label.trim();
  if (!label || label.length > LABEL_MAX) return null;
  if (form.role === 'provider') return form.providerId ? { role: form.role, label, providerId: form.providerId } : null;
  if (form.role === 'agent' && form.storeId) return { role: form.role, label, storeId: form.storeId };
  return { role: form.role, label };
}

/** Active tokens first, newest first within each group. */
export function sortTokens(list: readonly TokenInfo[]): TokenInfo[] {
  return [...list].sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt.localeCompare(a.createdAt));
}

export const activeCount = (list: readonly TokenInfo[]): number => list.filter((t) => t.revokedAt === null).length;

/** What a token may reach: HQ's roles everything, a provider its stores, an agent its store or any. */
export function scopeText(token: Pick<TokenInfo, 'role' | 'providerId' | 'storeId'>, names: Names): string {
  if (token.role === 'provider' && token.providerId) return names.provider(token.providerId);
  if (token.role === 'agent') return token.storeId ? names.store(token.storeId) : m.tokens_store_any();
  return m.tokens_scope_everything();
}

/** A warning from the server in the reader's language by its code; a code this page does not know keeps the server's English. */
export function warningText(warning: ScopeWarning, token: Pick<TokenInfo, 'providerId' | 'storeId'>, names: Names): string {
  const provider = token.providerId ? names.provider(token.providerId) : '';
  const store = token.storeId ? names.store(token.storeId) : '';
  switch (warning.code) {
    case 'provider_not_configured':
      return m.tokens_warn_provider_not_configured({ provider });
    case 'provider_not_configured_stores_only':
      return m.tokens_warn_provider_not_configured_stores_only({ provider });
    case 'provider_without_stores':
      return m.tokens_warn_provider_without_stores({ provider });
    case 'store_not_configured':
      return m.tokens_warn_store_not_configured({ store });
    case 'agent_all_stores':
      return m.tokens_warn_agent_all_stores();
    default:
      return warning.message;
  }
}

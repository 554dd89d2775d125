import type { Principal } from './auth-service.js';
import type { StoreService } from './store-service.js';

/** What a new token's scope is checked against: the stores and the providers in force now. */
export interface ScopeSources {
  stores: Pick<StoreService, 'list' | 'has'>;
  /** Providers configured in the file or through the API. */
  providerIds(): Iterable<string>;
}

export const SCOPE_WARNING_CODES = ['provider_not_configured', 'provider_not_configured_stores_only', 'provider_without_stores', 'store_not_configured', 'agent_all_stores'] as const;

/** A code for clients to word it in their language, and the server's English for logs and scripts. */
export interface ScopeWarning {
  code: (typeof SCOPE_WARNING_CODES)[number];
  message: string;
}

/**
 * Why a new token would do less (or more) than its issuer may expect. Issuing is never refused for this: a token is
 * often made before its provider or store is configured (onboarding), and works as soon as they are.
 */
export function tokenScopeWarnings(token: Principal, sources: ScopeSources): ScopeWarning[] {
  const warnings: ScopeWarning[] = [];
  if (token.role === 'provider' && token.providerId) {
    const id = token.providerId;
    const configured = [...sources.providerIds()].includes(id);
    // A store may name a provider that has no contract yet: that token sees the store, but no ticket routes to it.
    const seesStores = sources.stores.list(token).length > 0;
    if (!configured && !seesStores) {
      warnings.push({ code: 'provider_not_configured', message: `provider ${id} is not configured yet: this token sees nothing until it is` });
    } else if (!configured) {
      warnings.push({ code: 'provider_not_configured_stores_only', message: `provider ${id} is not configured yet: this token sees the stores that name it but no tickets until it is` });
    } else if (!seesStores) {
      warnings.push({ code: 'provider_without_stores', message: `provider ${id} serves no store yet: this token sees nothing until it does` });
    }
  }
  // A simulator or a gateway publishes for many stores; a till PC's token left unbound could pose as any store's till.
  if (token.role === 'agent' && !token.storeId) {
    warnings.push({ code: 'agent_all_stores', message: "this agent token is bound to no store: it may publish for every store's tills. A till PC's token should name its store" });
  }
  if (token.role === 'agent' && token.storeId && !sources.stores.has(token.storeId)) {
    warnings.push({ code: 'store_not_configured', message: `store ${token.storeId} is not configured yet: this agent's messages are refused until it is` });
  }
  return warnings;
}

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '@storepulse/protocol';
import type { TokenRecord, TokenRepository } from '../adapters/sqlite/token-repository.js';
import { ConfigError } from '../config/config-error.js';
import type { EventBus } from '../event-bus.js';

/** Who a request or connection is. */
export interface Principal {
  tokenId: string;
  role: Role;
  providerId: string | null;
  storeId: string | null;
  label: string;
}

export const ENV_ADMIN_TOKEN_ID = 'env-admin';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** 256 random bits; long enough that a fast unsalted hash is safe to store. */
export function newTokenSecret(): string {
  return `sp_${randomBytes(32).toString('base64url')}`;
}

export const toPrincipal = (r: TokenRecord): Principal => ({ tokenId: r.id, role: r.role, providerId: r.providerId, storeId: r.storeId, label: r.label });

export class AuthService {
  constructor(
    private readonly tokens: TokenRepository,
    private readonly bus: EventBus,
    private readonly now: () => Date = () => new Date(),
  ) {}

  authenticate(token: string | undefined | null): Principal | null {
    if (!token || token.length > 512) return null;
    const record = this.tokens.findActiveByHash(hashToken(token));
    return record ? toPrincipal(record) : null;
  }

  issue(input: { role: Role; label: string; providerId?: string | null; storeId?: string | null }): { token: string; record: TokenRecord } {
    const token = newTokenSecret();
    const record: TokenRecord = {
      id: randomUUID(),
      role: input.role,
      providerId: input.providerId ?? null,
      storeId: input.storeId ?? null,
      label: input.label,
      createdAt: this.now().toISOString(),
      revokedAt: null,
    };
    this.tokens.insert(record, hashToken(token));
    return { token, record };
  }

  /** Refuses, before anything starts, an environment admin token that is already another role's, or revoked. */
  checkAdminToken(envToken: string | undefined): void {
    if (!envToken) return;
    const same = this.tokens.findAnyByHash(hashToken(envToken));
    if (same?.id === ENV_ADMIN_TOKEN_ID && same.revokedAt !== null) {
      // Reinstalling it would undo the revocation of what may be a leaked token.
      throw new ConfigError('the environment', [`STOREPULSE_ADMIN_TOKEN: was revoked (${same.revokedAt}); choose a new value`]);
    }
    if (!same || same.id === ENV_ADMIN_TOKEN_ID || (same.role === 'hq-admin' && same.revokedAt === null)) return;
    const what = same.revokedAt === null ? `an ${same.role} token` : `a revoked ${same.role} token`;
    throw new ConfigError('the environment', [`STOREPULSE_ADMIN_TOKEN: is already ${what} ("${same.label}"); choose a new value`]);
  }

  /**
   * Makes sure an admin can get in: the environment's token is (re)installed under a fixed id; without one, a token is
   * generated while no hq-admin token is active (the very first start: the API never revokes the last one) and
   * returned so it can be printed once.
   */
  ensureAdmin(envToken: string | undefined): { generated: string | null } {
    const createdAt = this.now().toISOString();
    if (envToken) {
      this.checkAdminToken(envToken);
      const same = this.tokens.findAnyByHash(hashToken(envToken));
      // The generated first admin token, kept in the environment from now on: it already lets an admin in.
      if (same && same.id !== ENV_ADMIN_TOKEN_ID) return { generated: null };
      this.tokens.upsertFixed(
        { id: ENV_ADMIN_TOKEN_ID, role: 'hq-admin', providerId: null, storeId: null, label: 'STOREPULSE_ADMIN_TOKEN', createdAt },
        hashToken(envToken),
      );
      return { generated: null };
    }
    if (this.tokens.activeAdminCount() > 0) return { generated: null };
    const { token } = this.issue({ role: 'hq-admin', label: 'first admin (generated at first start)' });
    return { generated: token };
  }

  list(): TokenRecord[] {
    return this.tokens.list();
  }

  /** Revokes a token at an admin's request, but never the last hq-admin one: nobody could issue tokens after it. */
  revokeKeepingAnAdmin(id: string): 'revoked' | 'not_found' | 'last_admin' {
    const token = this.tokens.list().find((t) => t.id === id && t.revokedAt === null);
    if (!token) return 'not_found';
    if (token.role === 'hq-admin' && this.tokens.activeAdminCount() <= 1) return 'last_admin';
    return this.revoke(id) ? 'revoked' : 'not_found';
  }

  revoke(id: string): boolean {
    const revoked = this.tokens.revoke(id, this.now().toISOString());
    if (revoked) this.bus.emit('token:revoked', id);
    return revoked;
  }
}

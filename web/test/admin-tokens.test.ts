import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import type { TokenInfo } from '../src/lib/api.js';
import { activeCount, issueRequest, scopeText, sortTokens, warningText, type IssueForm } from '../src/lib/admin/tokens.js';
import IssuedSecret from '../src/lib/components/IssuedSecret.svelte';
import TokenTable from '../src/lib/components/TokenTable.svelte';
import { m } from '../src/lib/paraglide/messages.js';
import { SCOPE_WARNING_CODES } from '../../server/src/services/token-scope.js';

const form = (patch: Partial<IssueForm>): IssueForm => ({ role: 'hq-viewer', label: 'Lobby wall', providerId: '', storeId: '', ...patch });
const token = (id: string, patch: Partial<TokenInfo> = {}): TokenInfo => ({
  id,
  role: 'hq-viewer',
  label: `token ${id}`,
  providerId: null,
  storeId: null,
  createdAt: '2026-03-01T10:00:00.000Z',
  revokedAt: null,
  ...patch,
});
const names = { provider: (id: string) => (id === 'pilot' ? 'Pilot Service' : id), store: (id: string) => (id === 'S001' ? 'S001 · Madrid' : id) };

describe('issuing a token from the form', () => {
  it('sends only the scope the role takes: a provider chosen before switching role is not sent', () => {
    expect(issueRequest(form({ role: 'provider', providerId: 'pilot', label: '  Ana  ' }))).toEqual({ role: 'provider', label: 'Ana', providerId: 'pilot' });
    expect(issueRequest(form({ role: 'hq-viewer', providerId: 'pilot', storeId: 'S001' }))).toEqual({ role: 'hq-viewer', label: 'Lobby wall' });
    expect(issueRequest(form({ role: 'agent', providerId: 'pilot', storeId: 'S001' }))).toEqual({ role: 'agent', label: 'Lobby wall', storeId: 'S001' });
    expect(issueRequest(form({ role: 'agent' }))).toEqual({ role: 'agent', label: 'Lobby wall' });
  });

  it('is incomplete without a label, with one over the server limit, or for a provider without its provider', () => {
    expect(issueRequest(form({ label: '   ' }))).toBeNull();
    expect(issueRequest(form({ label: 'x'.repeat(201) }))).toBeNull();
    expect(issueRequest(form({ label: 'x'.repeat(200) }))).not.toBeNull();
    expect(issueRequest(form({ role: 'provider' }))).toBeNull();
  });
});

describe('the token list', () => {
  it('puts active tokens first, newest first in each group, and counts the active ones', () => {
    const list = [
      token('old'),
      token('revoked-new', { createdAt: '2026-03-05T10:00:00.000Z', revokedAt: '2026-03-06T10:00:00.000Z' }),
      token('new', { createdAt: '2026-03-04T10:00:00.000Z' }),
      token('revoked-old', { revokedAt: '2026-03-02T10:00:00.000Z' }),
    ];
    expect(sortTokens(list).map((t) => t.id)).toEqual(['new', 'old', 'revoked-new', 'revoked-old']);
    expect(activeCount(list)).toBe(2);
  });

  it('names what each token reaches', () => {
    expect(scopeText(token('a', { role: 'provider', providerId: 'pilot' }), names)).toBe('Pilot Service');
    expect(scopeText(token('b', { role: 'agent', storeId: 'S001' }), names)).toBe('S001 · Madrid');
    expect(scopeText(token('c', { role: 'agent' }), names)).toBe('Any store');
    expect(scopeText(token('d', { role: 'hq-admin' }), names)).toBe('All stores');
  });

  it('says how many are active with the right Russian plural', () => {
    const ru = (count: number) => m.tokens_active_count({ count, countText: String(count) }, { locale: 'ru' });
    expect([1, 3, 5, 21].map(ru)).toEqual(['1 действующий токен', '3 действующих токена', '5 действующих токенов', '21 действующий токен']);
  });

  it('asks before revoking: the table offers Revoke only on active tokens and no confirmation until asked', () => {
    const body = render(TokenTable, { props: { tokens: [token('live'), token('dead', { revokedAt: '2026-03-02T10:00:00.000Z' })], names, mine: null, onrevoked: () => {} } }).body;
    expect(body.match(/aria-label="Revoke: [^"]*"/g)).toEqual(['aria-label="Revoke: token live"']);
    expect(body).not.toContain('data-testid="confirm"');
    expect(body).toMatch(/Revoked /);
    expect(body).not.toContain('data-testid="token-yours"');
  });

  it('marks the token this browser is signed in with, on its row only', () => {
    const body = render(TokenTable, { props: { tokens: [token('other'), token('me'), token('third')], names, mine: 'me', onrevoked: () => {} } }).body;
    const rows = body.split('<tr').filter((r) => r.includes('data-token-id'));
    expect(rows.map((r) => /data-token-id="(\w+)"/.exec(r)![1]!)).toEqual(['other', 'me', 'third']);
    expect(rows.map((r) => r.includes('data-testid="token-yours"'))).toEqual([false, true, false]);
    expect(rows[1]).toContain('This browser');
  });
});

describe('the new secret', () => {
  it('shows the secret with a copy button, says it will not be shown again, and words every server warning', () => {
    const issued = {
      ...token('n', { role: 'provider' as const, providerId: 'newco', label: 'Newco engineer' }),
      token: 'sp_secret-value',
      warnings: [{ code: 'provider_not_configured', message: 'provider newco is not configured yet: this token sees nothing until it is' }],
    };
    const body = render(IssuedSecret, { props: { issued, names, ondone: () => {} } }).body;
    expect(body).toContain('value="sp_secret-value"');
    expect(body).toContain('>Copy<');
    expect(body).toContain('this secret will not be shown again');
    expect(body).toContain('Provider newco is not configured yet: this token sees nothing until it is.');
  });

  it('has a translation for every warning code the server sends, and keeps the server text for one it does not know', () => {
    const scoped = token('s', { providerId: 'pilot', storeId: 'S001' });
    for (const code of SCOPE_WARNING_CODES) {
      expect(warningText({ code, message: 'server text' }, scoped, names), code).not.toBe('server text');
    }
    expect(warningText({ code: 'something_new', message: 'server text' }, scoped, names)).toBe('server text');
    expect(warningText({ code: 'store_not_configured', message: '' }, scoped, names)).toBe("Store S001 · Madrid is not configured yet: this agent's messages are refused until it is.");
  });
});

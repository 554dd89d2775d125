import { describe, expect, it } from 'vitest';
import type { ProviderInfo } from '../src/lib/api.js';
import { assignChoices, assignFailureText, coversTicket } from '../src/lib/tickets/assign.js';
import { ticket } from './fixtures.js';

const providers: ProviderInfo[] = [
  { id: 'pilot', name: 'Pilot Service', categories: ['all'], stores: ['S001', 'S002'] },
  { id: 'printfix', name: 'PrintFix', categories: ['printer'], stores: ['madrid'] },
  { id: 'netco', name: 'Netco', categories: ['network'], stores: ['S001'] },
  { id: 'bare', name: 'Astra' },
  { id: 'local', name: 'Local Fix', categories: ['printer'], stores: ['S050'] },
];
const names = new Map(providers.map((p) => [p.id, p.name!]));
const name = (id: string) => names.get(id) ?? id;

describe('whom HQ may assign a ticket to', () => {
  it('reads a provider\'s cover as the server routes: the category or all, and the store by id, by its city or by its config', () => {
    const printer = ticket('a', { category: 'printer', storeId: 'S001' });
    const madrid = { city: ' Madrid ', provider: null };
    expect(coversTicket(providers[0]!, printer)).toBe(true);
    expect(coversTicket(providers[1]!, printer, madrid)).toBe(true);
    expect(coversTicket(providers[1]!, printer)).toBe(false);
    expect(coversTicket(providers[2]!, printer, madrid)).toBe(false);
    // A provider listed without its cover (an older server) covers nothing, and is still offered.
    expect(coversTicket(providers[3]!, printer, madrid)).toBe(false);
    // The store's config names it: the server routes the store's tickets of its categories to it.
    expect(coversTicket(providers[4]!, printer, { city: 'Madrid', provider: 'local' })).toBe(true);
    expect(coversTicket(providers[4]!, printer, madrid)).toBe(false);
    expect(coversTicket(providers[4]!, { ...printer, category: 'pos' }, { city: 'Madrid', provider: 'local' })).toBe(false);
  });

  it('offers those that cover the ticket first, then any other, each by name, never the provider it is with', () => {
    const unassigned = ticket('a', { category: 'printer', storeId: 'S001', providerId: null });
    const ids = (c: { covering: ProviderInfo[]; others: ProviderInfo[] }) => [c.covering.map((p) => p.id), c.others.map((p) => p.id)];
    const madrid = { city: 'Madrid', provider: null };
    expect(ids(assignChoices(providers, unassigned, madrid))).toEqual([['pilot', 'printfix'], ['bare', 'local', 'netco']]);
    expect(ids(assignChoices(providers, unassigned, { ...madrid, provider: 'local' }))).toEqual([['local', 'pilot', 'printfix'], ['bare', 'netco']]);
    expect(ids(assignChoices(providers, { ...unassigned, providerId: 'pilot' }, madrid))).toEqual([['printfix'], ['bare', 'local', 'netco']]);
    expect(ids(assignChoices(providers, { ...unassigned, storeId: 'S009' }, { city: 'Sevilla', provider: null }))).toEqual([[], ['bare', 'local', 'netco', 'pilot', 'printfix']]);
  });
});

describe('a refused assignment', () => {
  it('says, from the ticket read again, that it ended or is that provider\'s already, in the reader\'s language', () => {
    expect(assignFailureText(409, { status: 'resolved', providerId: 'pilot' }, 'printfix', name, 'en')).toBe(
      'This ticket\'s status is now “Resolved”: only an active ticket can be assigned.',
    );
    expect(assignFailureText(409, { status: 'closed', providerId: null }, 'printfix', name, 'ru')).toBe('Статус заявки сейчас «Закрыта»: назначить можно только активную заявку.');
    expect(assignFailureText(409, { status: 'open', providerId: 'printfix' }, 'printfix', name, 'es')).toBe('Este ticket ya es de PrintFix.');
    expect(assignFailureText(409, { status: 'open', providerId: 'printfix' }, 'printfix', name, 'ru')).toBe('Заявка уже у подрядчика PrintFix.');
    // Not read again: what the server said, in general words.
    expect(assignFailureText(409, null, 'printfix', name, 'en')).toBe('Could not assign (HTTP 409). Try again.');
  });

  it('says a provider gone from the configuration, a 403, a 404 and no answer in words', () => {
    expect(assignFailureText(400, null, 'printfix', name, 'en')).toBe('PrintFix is no longer a configured provider: choose another.');
    expect(assignFailureText(403, null, 'printfix', name, 'es')).toBe('Solo los administradores de la sede pueden asignar tickets.');
    expect(assignFailureText(404, null, 'printfix', name, 'en')).toBe('This ticket is no longer available to you.');
    expect(assignFailureText(0, null, 'printfix', name, 'ru')).toBe('Не удалось назначить: сервер недоступен. Попробуйте ещё раз.');
    expect(assignFailureText(0, null, 'printfix', name, 'en')).toBe('Could not assign: the server cannot be reached. Try again.');
  });
});

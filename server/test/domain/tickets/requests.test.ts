import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { TransitionRequestSchema, ticketVisibleTo, type TransitionRequest } from '../../../src/domain/tickets/requests.js';

const validate = new Ajv({ strict: true, allErrors: true }).compile<TransitionRequest>(TransitionRequestSchema);

describe('transition request body', () => {
  it('accepts a status with an optional reason, note and on-site location', () => {
    expect(validate({ status: 'acknowledged' })).toBe(true);
    expect(validate({ status: 'resolved', reason: 'remote_fix', note: 'restarted the POS service' })).toBe(true);
    expect(validate({ status: 'on_site', location: { lat: 40.4168, lon: -3.7038, accuracyM: 15 } })).toBe(true);
  });

  it('refuses unknown statuses, fields and impossible coordinates', () => {
    for (const bad of [{}, { status: 'fixed' }, { status: 'open', priority: 'P1' }, { status: 'on_site', location: { lat: 91, lon: 0 } }, { status: 'on_site', location: { lat: 0 } }, { status: 'resolved', reason: '' }]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('ticket visibility', () => {
  it('shows a provider its own tickets, a store its own store’s, and HQ every ticket', () => {
    const t = { providerId: 'pilot', storeId: 'S001' };
    expect(ticketVisibleTo(t, { role: 'provider', id: 'pilot' })).toBe(true);
    expect(ticketVisibleTo(t, { role: 'provider', id: 'rival' })).toBe(false);
    expect(ticketVisibleTo({ ...t, providerId: null }, { role: 'provider', id: 'pilot' })).toBe(false);
    expect(ticketVisibleTo(t, { role: 'store', id: 'S001' })).toBe(true);
    expect(ticketVisibleTo(t, { role: 'store', id: 'S002' })).toBe(false);
    expect(ticketVisibleTo(t, { role: 'hq', id: 'ana' })).toBe(true);
  });
});

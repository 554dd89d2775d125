import { describe, expect, it } from 'vitest';
import { allowedTransitions, checkTransition } from '../../../src/domain/tickets/transitions.js';

describe('ticket transitions', () => {
  it('lets a provider acknowledge, go on site and resolve with a provider reason', () => {
    expect(checkTransition('open', 'acknowledged', 'provider', null)).toEqual({ ok: true });
    expect(checkTransition('acknowledged', 'on_site', 'provider', null)).toEqual({ ok: true });
    expect(checkTransition('on_site', 'resolved', 'provider', 'hardware_replaced')).toEqual({ ok: true });
    expect(checkTransition('on_site', 'resolved', 'provider', 'remote_fix')).toEqual({ ok: true });
  });

  it('refuses a reason that belongs to another role, listing the right ones', () => {
    const r = checkTransition('acknowledged', 'resolved', 'provider', 'staff_fixed');
    expect(r).toMatchObject({ ok: false, code: 'invalid_reason' });
    if (!r.ok) expect(r.message).toContain('hardware_replaced, config_fixed, remote_fix');
    expect(checkTransition('open', 'resolved', 'store', 'staff_fixed')).toEqual({ ok: true });
    expect(checkTransition('open', 'resolved', 'store', 'remote_fix').ok).toBe(false);
    expect(checkTransition('open', 'cancelled', 'hq', 'false_alarm')).toEqual({ ok: true });
    expect(checkTransition('open', 'cancelled', 'hq', 'bored').ok).toBe(false);
    expect(checkTransition('open', 'cancelled', 'hq', undefined).ok).toBe(false);
  });

  it('refuses an invalid transition and says what is allowed from there', () => {
    const r = checkTransition('open', 'closed', 'provider', null);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('invalid_transition');
    expect(r.allowed.map((a) => a.to)).toEqual(['acknowledged', 'waiting_store', 'on_site', 'resolved']);
    expect(r.allowed.find((a) => a.to === 'resolved')?.reasons).toEqual(['hardware_replaced', 'config_fixed', 'remote_fix']);
  });

  it('keeps cancelling and closing to HQ, and nothing leaves cancelled', () => {
    expect(checkTransition('open', 'cancelled', 'provider', 'false_alarm').ok).toBe(false);
    expect(checkTransition('resolved', 'closed', 'provider', null).ok).toBe(false);
    expect(checkTransition('resolved', 'closed', 'hq', null)).toEqual({ ok: true });
    expect(checkTransition('closed', 'open', 'hq', null)).toEqual({ ok: true });
    for (const role of ['provider', 'hq', 'store', 'system'] as const) expect(allowedTransitions('cancelled', role)).toEqual([]);
  });

  it('lets the store answer while the ticket waits for it, and nothing else', () => {
    expect(allowedTransitions('waiting_store', 'store').map((a) => a.to)).toEqual(['acknowledged', 'resolved']);
    expect(allowedTransitions('on_site', 'store').map((a) => a.to)).toEqual(['resolved']);
    // A new ticket is the provider's to acknowledge: the store acknowledging it would silence its escalations.
    expect(allowedTransitions('open', 'store').map((a) => a.to)).toEqual(['resolved']);
    expect(checkTransition('open', 'acknowledged', 'store', null)).toMatchObject({ ok: false, code: 'invalid_transition' });
  });
});

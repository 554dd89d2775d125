import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import StoreTile from '../src/lib/components/StoreTile.svelte';
import { storeStateLabel } from '../src/lib/i18n/labels.js';
import { m } from '../src/lib/paraglide/messages.js';
import { summary, tills } from './fixtures.js';

describe('StoreTile', () => {
  const store = summary('mad-01', 'down', { name: 'Madrid Centro', tills: tills({ up: 1, down: 3 }) });

  it('carries id and state as attributes and shows name, city, state label and tills up/total', () => {
    const { body } = render(StoreTile, { props: { store } });
    expect(body).toContain('data-store-id="mad-01"');
    expect(body).toContain('data-state="down"');
    expect(body).toContain('Madrid Centro');
    expect(body).toContain('Madrid');
    expect(body).toContain('>Down<');
    expect(body).toContain('1/4');
    expect(body).toContain('href="#icon-down"');
    expect(body).toContain('aria-label="Madrid Centro, Madrid: Down, 1 of 4 tills up"');
    expect(body).not.toContain('data-stale');
  });

  it('marks stale data in words, not only by greying it', () => {
    const { body } = render(StoreTile, { props: { store, stale: true } });
    expect(body).toContain('data-stale="true"');
    expect(body).toContain('stale');
  });

  it('shows the id instead of the name on a compact tile, keeping the full label', () => {
    const { body } = render(StoreTile, { props: { store, compact: true } });
    expect(body).toMatch(/class="name[^"]*">mad-01</);
    expect(body).toContain('aria-label="Madrid Centro, Madrid: Down, 1 of 4 tills up"');
  });

  it('leaves the city off the name line, where it repeats the line below: two stores of one city stay apart', () => {
    const first = render(StoreTile, { props: { store: summary('mty-1', 'ok', { name: 'Monterrey Centro', city: 'Monterrey' }) } }).body;
    const second = render(StoreTile, { props: { store: summary('mty-2', 'ok', { name: 'Monterrey Centro 2', city: 'Monterrey' }) } }).body;
    expect(first).toMatch(/class="name[^"]*">Centro</);
    expect(second).toMatch(/class="name[^"]*">Centro 2</);
    expect(second).toContain('aria-label="Monterrey Centro 2, Monterrey: OK, 4 of 4 tills up"');
    // A name that does not begin with its city, or is only the city, is shown whole.
    expect(render(StoreTile, { props: { store: summary('x', 'ok', { name: 'Flagship', city: 'Madrid' }) } }).body).toMatch(/class="name[^"]*">Flagship</);
    expect(render(StoreTile, { props: { store: summary('y', 'ok', { name: 'Madrid', city: 'Madrid' }) } }).body).toMatch(/class="name[^"]*">Madrid</);
  });

  it('shows the store\'s local time when given one', () => {
    const { body } = render(StoreTile, { props: { store, localTime: '12:05' } });
    expect(body).toContain('12:05');
  });
});

describe('translations', () => {
  it('has every state in Russian and Spanish', () => {
    expect(m.store_state_down({}, { locale: 'ru' })).toBe('Не работает');
    expect(m.store_state_down({}, { locale: 'es' })).toBe('Caída');
    expect(m.conn_reconnecting({}, { locale: 'es' })).toBe('Reconectando…');
  });

  it('labels states in the current (base) locale', () => {
    expect(storeStateLabel('offline')).toBe('Offline');
    // A state a newer server knows and this page not is shown as sent, not a crash.
    expect(storeStateLabel('hibernating' as never)).toBe('hibernating');
  });
});

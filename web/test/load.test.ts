import { describe, expect, it } from 'vitest';
import { HttpError } from '../src/lib/api.js';
import { load, loadFailure } from '../src/lib/load.js';
import { m } from '../src/lib/paraglide/messages.js';

describe('loading a page section', () => {
  it('holds the data once fetched', async () => {
    expect(await load(async () => [1, 2])).toEqual({ status: 'ready', data: [1, 2] });
  });

  it('reads a 404 as a feature not there, when asked to, and as an error otherwise', async () => {
    const missing = async () => {
      throw new HttpError(404);
    };
    expect(await load(missing, true)).toEqual({ status: 'absent' });
    expect(await load(missing)).toEqual({ status: 'error', http: 404 });
  });

  it('keeps the HTTP status of a failure, and none for a network error', async () => {
    expect(await load(async () => Promise.reject(new HttpError(503)), true)).toEqual({ status: 'error', http: 503 });
    expect(await load(async () => Promise.reject(new TypeError('fetch failed')))).toEqual({ status: 'error', http: null });
  });

  it('says why it failed: the HTTP status, or that the server cannot be reached rather than "HTTP 0"', () => {
    expect(m.assign_providers_error({ reason: loadFailure(503) })).toBe('Could not load the providers (HTTP 503).');
    expect(m.assign_providers_error({ reason: loadFailure(null) })).toBe('Could not load the providers (the server cannot be reached).');
    expect(m.load_error({ reason: loadFailure(null) })).toBe('Could not load data (the server cannot be reached).');
    expect(m.chart_error({ reason: m.load_reason_unreachable({}, { locale: 'ru' }) }, { locale: 'ru' })).toBe('Не удалось загрузить график (сервер недоступен).');
  });
});

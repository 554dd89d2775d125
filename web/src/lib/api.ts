import type { IncidentView, LossReport, LostRevenue, Role, SlaReportRow, StoreDetail, StoreSummary, TicketDelivery, TicketStatus, TicketView, TillHistory, MaintenanceWarning, MaintenanceWindow, StoreGroup } from '@storepulse/protocol';
import type { TicketSummary } from './tickets/tickets.js';
import { takePrefetched } from './prefetch.js';

export interface Session {
  role: Role;
  providerId: string | null;
  label: string;
  /** The token this browser is signed in with, as the token list names it. */
  tokenId: string;
}

export class HttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** The HTTP status of a failed call, or 0 when it did not get an answer (network down). */
export const statusOf = (err: unknown): number => (err instanceof HttpError ? err.status : 0);

type Fetch = typeof fetch;

async function getJson<T>(fetchFn: Fetch, path: string): Promise<T> {
  const res = await fetchFn(path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!res.ok) throw new HttpError(res.status);
  return (await res.json()) as T;
}

/**
 * Where the app asks who is signed in: `optional=true` has the server answer a signed-out browser with 200
 * `{signedIn: false}` rather than a 401, which the browser would log as an error on every signed-out page.
 */
export const SESSION_PATH = '/api/session?optional=true';

type SessionAnswer = (Session & { signedIn?: true }) | { signedIn: false };

/** A session from the server's answer; a server before `optional` sends the session without `signedIn`. */
async function sessionOf(res: Response): Promise<Session | null> {
  if (res.status === 401) return null;
  if (!res.ok) throw new HttpError(res.status);
  const body = (await res.json()) as SessionAnswer;
  if (body.signedIn === false) return null;
  return { role: body.role, providerId: body.providerId, label: body.label, tokenId: body.tokenId };
}

/** The signed-in session, or null when the browser holds no valid token. The first call takes index.html's early request. */
export async function fetchSession(fetchFn: Fetch = fetch): Promise<Session | null> {
  const early = takePrefetched('session');
  if (early) {
    const res = await early.catch(() => null);
    if (res && (res.ok || res.status === 401)) return sessionOf(res);
  }
  return sessionOf(await fetchFn(SESSION_PATH, { credentials: 'same-origin', headers: { accept: 'application/json' } }));
}

/**
 * Exchanges a token for the session cookie. False when the server refuses the token; any other refusal is an
 * HttpError (403: this page's origin is not allowed; 429: too many attempts).
 */
export async function login(token: string): Promise<boolean> {
  const res = await fetch('/api/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (res.ok) return true;
  if (res.status === 400 || res.status === 401) return false;
  throw new HttpError(res.status);
}

/** Clears the session cookie; an HttpError when the server did not (0: it cannot be reached). */
export async function logout(): Promise<void> {
  const res = await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin' }).catch(() => null);
  if (!res?.ok) throw new HttpError(res?.status ?? 0);
}

export const fetchStores = (fetchFn: Fetch = fetch): Promise<StoreSummary[]> => getJson(fetchFn, '/api/stores');

export const fetchStore = (id: string, fetchFn: Fetch = fetch): Promise<StoreDetail> =>
  getJson(fetchFn, `/api/stores/${encodeURIComponent(id)}`);

const q = (params: Record<string, string | number | undefined>) => {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) sp.set(k, String(v));
  const text = sp.toString();
  return text ? `?${text}` : '';
};

/** An incident as the list API carries it: without its timeline. */
export type IncidentSummary = Omit<IncidentView, 'timeline'>;

export const fetchIncidents = (
  params: { storeId?: string; status?: 'open' | 'closed'; from?: string; to?: string; limit?: number },
  fetchFn: Fetch = fetch,
): Promise<IncidentSummary[]> => getJson(fetchFn, `/api/incidents${q(params)}`);

export const fetchIncident = (id: string, fetchFn: Fetch = fetch): Promise<IncidentView> =>
  getJson(fetchFn, `/api/incidents/${encodeURIComponent(id)}`);

export interface SeriesBin {
  t: string;
  footfall: number | null;
  tillsAvailable: number | null;
  transactions: number | null;
  revenue: number | null;
  baseline: number | null;
}

export interface StoreSeries {
  storeId: string;
  currency: string;
  binSeconds: number;
  bins: SeriesBin[];
  incidents: { id: string; kind: string; severity: string; startedAt: string; endedAt: string | null; lostRevenue: LostRevenue }[];
}

export const fetchSeries = (id: string, from: string, to: string, bin: 60 | 300 | 900 | 3600, fetchFn: Fetch = fetch): Promise<StoreSeries> =>
  getJson(fetchFn, `/api/stores/${encodeURIComponent(id)}/series${q({ from, to, bin })}`);

/** Every till's state changes of a store over [from, to), with each till's state before `from`. */
export const fetchTillHistory = (id: string, from: string, to: string, fetchFn: Fetch = fetch): Promise<TillHistory> =>
  getJson(fetchFn, `/api/stores/${encodeURIComponent(id)}/tills/history${q({ from, to, limit: 2000 })}`);

export const fetchTickets = (
  params: { status?: TicketStatus; providerId?: string; storeId?: string; unassigned?: boolean } = {},
  fetchFn: Fetch = fetch,
): Promise<TicketSummary[]> => getJson(fetchFn, `/api/tickets${q({ ...params, unassigned: params.unassigned?.toString() })}`);

/** A ticket with the notifications sent about it. */
export type TicketDetail = TicketView & { deliveries: TicketDelivery[] };

export const fetchTicket = (id: string, fetchFn: Fetch = fetch): Promise<TicketDetail> =>
  getJson(fetchFn, `/api/tickets/${encodeURIComponent(id)}`);

/**
 * What the server answers (409) when a move is not allowed from the ticket's status as it is now, or not with that
 * reason: the moves that are. `message` is the server's English, for logs only; the page says it in its language.
 */
export class TransitionRefused extends Error {
  constructor(
    message: string,
    readonly allowed: { to: TicketStatus; reasons: string[] }[],
    readonly code: 'invalid_transition' | 'invalid_reason' = 'invalid_transition',
  ) {
    super(message);
  }
}

export async function moveTicket(
  id: string,
  body: { status: TicketStatus; reason?: string; note?: string; location?: { lat: number; lon: number; accuracyM?: number } },
): Promise<TicketView> {
  const res = await fetch(`/api/tickets/${encodeURIComponent(id)}/status`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status === 409) {
    const refusal = (await res.json().catch(() => ({}))) as {
      message?: string;
      code?: 'invalid_transition' | 'invalid_reason';
      allowed?: { to: TicketStatus; reasons: string[] }[];
    };
    throw new TransitionRefused(refusal.message ?? 'conflict', refusal.allowed ?? [], refusal.code === 'invalid_reason' ? 'invalid_reason' : 'invalid_transition');
  }
  if (!res.ok) throw new HttpError(res.status);
  return (await res.json()) as TicketView;
}

/**
 * HQ hands the ticket to a provider, from the unassigned queue or from another provider (the server answers 403 to
 * anyone but an HQ admin). Any refusal is an HttpError: 409 when the ticket has ended or is that provider's already,
 * 400 for a provider the server does not know; the page reads the ticket again to say which.
 */
export async function assignTicket(id: string, providerId: string, note?: string | null): Promise<TicketView> {
  const text = note?.trim();
  const res = await send('POST', `/api/tickets/${encodeURIComponent(id)}/assign`, { providerId, ...(text ? { note: text } : {}) });
  return (await res.json()) as TicketView;
}

export const fetchSlaReport = (month: string, fetchFn: Fetch = fetch): Promise<SlaReportRow[]> =>
  getJson(fetchFn, `/api/reports/sla${q({ month })}`);

export const slaReportCsvUrl = (month: string): string => `/api/reports/sla${q({ month, format: 'csv' })}`;

export const fetchLossReport = (month: string, fetchFn: Fetch = fetch): Promise<LossReport> =>
  getJson(fetchFn, `/api/reports/lost-revenue${q({ month })}`);

export const lossReportCsvUrl = (month: string): string => `/api/reports/lost-revenue${q({ month, format: 'csv' })}`;

export interface ProviderInfo {
  id: string;
  name?: string;
  /** The categories it covers ('all' for every one) and its stores, by id or city name: whom HQ offers a ticket first. */
  categories?: string[];
  stores?: string[];
}

export const fetchProviders = (fetchFn: Fetch = fetch): Promise<ProviderInfo[]> => getJson(fetchFn, '/api/providers');

/** A token as GET /api/tokens lists it: never its secret. */
export interface TokenInfo {
  id: string;
  role: Role;
  label: string;
  providerId: string | null;
  storeId: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface TokenRequest {
  role: Role;
  label: string;
  providerId?: string;
  storeId?: string;
}

/** Why a new token would do less than expected (its provider or store is not configured yet); it is issued anyway. */
export interface ScopeWarning {
  code: string;
  message: string;
}

/** The answer to issuing: the secret, this once. */
export type IssuedToken = TokenInfo & { token: string; warnings: ScopeWarning[] };

async function send(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<Response> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new HttpError(res.status);
  return res;
}

export const fetchTokens = (fetchFn: Fetch = fetch): Promise<TokenInfo[]> => getJson(fetchFn, '/api/tokens');

export const issueToken = async (request: TokenRequest): Promise<IssuedToken> => (await (await send('POST', '/api/tokens', request)).json()) as IssuedToken;

export const revokeToken = async (id: string): Promise<void> => void (await send('DELETE', `/api/tokens/${encodeURIComponent(id)}`));

/** A window as listed: from the config file (read-only here) or made through the API. */
export type MaintenanceView = MaintenanceWindow & { source: 'file' | 'api' };

export const fetchMaintenance = (fetchFn: Fetch = fetch): Promise<MaintenanceView[]> => getJson(fetchFn, '/api/maintenance');

/** A saved window, with what it names that no configured store answers to. */
export type MaintenanceSaved = MaintenanceView & { warnings: MaintenanceWarning[] };

export const putMaintenance = async (window: MaintenanceWindow): Promise<MaintenanceSaved> =>
  (await (await send('PUT', `/api/maintenance/${encodeURIComponent(window.id)}`, window)).json()) as MaintenanceSaved;

export const fetchStoreGroups = (fetchFn: Fetch = fetch): Promise<StoreGroup[]> => getJson(fetchFn, '/api/maintenance/groups');

export const deleteMaintenance = async (id: string): Promise<void> => void (await send('DELETE', `/api/maintenance/${encodeURIComponent(id)}`));

/** A till's sales: the bins sent, and the HTTP endpoint a POS may answer them from (a CSV export: sales-csv.ts). */
import { httpGet, shownUrl } from './http-get.js';

export interface SalesTotals {
  transactions: number;
  revenue: number;
}

export interface SalesBin extends SalesTotals {
  binStart: number;
  binEnd: number;
}

/** A sale of the export, at its own instant, or null when its time could not be used (it goes in the bin being filled). */
export interface Sale {
  at: number | null;
  amount: number;
}

/** A POS endpoint that answers {transactions, revenue} for ?from=&to= (ISO instants). */
export async function fetchSales(url: string, from: number, to: number, signal: AbortSignal): Promise<SalesTotals> {
  const u = new URL(url);
  u.searchParams.set('from', new Date(from).toISOString());
  u.searchParams.set('to', new Date(to).toISOString());
  const res = await httpGet(u, { signal });
  if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status} from ${shownUrl(url)}`);
  const body = (JSON.parse(res.body) ?? {}) as { transactions?: unknown; revenue?: unknown };
  if (typeof body.transactions !== 'number' || typeof body.revenue !== 'number' || body.transactions < 0 || body.revenue < 0) {
    throw new Error('answer is not {transactions, revenue}');
  }
  return { transactions: Math.round(body.transactions), revenue: body.revenue };
}

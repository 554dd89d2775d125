/** One line of a POS sales export, as the agent reads it: a time as written and a plain amount. */
import { parse } from 'csv-parse/sync';

/** Digits with at most one decimal point or comma: no sign (refunds are not counted), exponent or hex. */
const AMOUNT = /^\d+(?:[.,]\d+)?$/;

/**
 * Amounts a decimal comma could continue: whole numbers ("12" of "12,50") and thousands groups ("1.234" of
 * "1.234,56"). "12.50" already has its decimals, so a column of digits after it is just another column.
 */
const COULD_CONTINUE = /^(?:\d+|\d{1,3}(?:\.\d{3})+)$/;

/** "1.234" or "12,345": a thousands group without decimals, or three decimals? */
const GROUP_OR_DECIMALS = /^\d{1,3}[.,]\d{3}$/;

const NO_AMOUNT = 'without a plain amount';
/** "ts,12,50": 12 and a column "50", or 12,50 with a decimal comma the POS did not quote? Guessing would skew revenue. */
const AMBIGUOUS = 'whose amount a column of digits follows with "," as the separator (a decimal comma? quote the amount, or use ";" or a decimal point)';
const GROUP_OR_THREE = 'whose amount is a thousands group or three decimals ("1.234": write 1234.00, or 1.23)';
const BAD_QUOTES = 'with a quote left open or text after a closing quote';

/** A line's sale: its time as written (read against the store's zone by SaleTimes) and its amount. */
export type SalesLine = { time: string; amount: number } | { refused: string };

/** The line's separator: its first ";" or "," outside quotes. */
function separatorOf(line: string): string | undefined {
  return /[;,]/.exec(line.replace(/"(?:[^"]|"")*"/g, ''))?.[0];
}

/** The line's fields, and which were quoted (quoting says where a field ends); null when its quotes are broken. */
function fieldsOf(line: string, sep: string): { fields: string[]; quoted: boolean[] } | null {
  // Most exports quote nothing: splitting is exact for them, and far cheaper than a parser per line.
  if (!line.includes('"')) return { fields: line.split(sep).map((f) => f.trim()), quoted: [] };
  const quoted: boolean[] = [];
  try {
    const [fields = []] = parse(line, {
      delimiter: sep,
      trim: true,
      cast: (text, ctx) => {
        quoted[ctx.index] = ctx.quoting;
        return text.trim();
      },
    });
    return { fields, quoted };
  } catch {
    return null;
  }
}

/**
 * Parses one export line "timestamp,amount[,...]" or "timestamp;amount[;...]"; the first separator
 * in the line is the one it uses, so "12,50" after a ";" is a decimal comma, and so is a quoted
 * "12,50" after a ",". Fields may be quoted as CSV quotes them. A header or a bad line is refused
 * with the reason; the time is read by the source (SaleTimes), which knows the store's zone and the clock.
 * `decimals` are the currency's: only a currency with three (KWD, BHD) writes "1.234" for less than 2.
 */
export function parseSalesLine(line: string, decimals = 2): SalesLine {
  const sep = separatorOf(line);
  if (sep === undefined) return { refused: NO_AMOUNT };
  const split = fieldsOf(line, sep);
  if (!split) return { refused: BAD_QUOTES };
  const { fields, quoted } = split;
  const amount = fields[1];
  if (amount === undefined || !AMOUNT.test(amount)) return { refused: NO_AMOUNT };
  const next = fields[2];
  if (sep === ',' && !quoted[1] && next !== undefined && !quoted[2] && /^\d+$/.test(next) && COULD_CONTINUE.test(amount)) {
    return { refused: AMBIGUOUS };
  }
  // A German or Spanish export's €1.234 read as €1.23 would skew revenue a thousandfold, unseen.
  if (decimals !== 3 && GROUP_OR_DECIMALS.test(amount)) return { refused: GROUP_OR_THREE };
  return { time: fields[0]!, amount: Number(amount.replace(',', '.')) };
}

/** Column names, not a sale: a line without a single digit ("time;amount", "Datum,Betrag"). */
export function isHeader(line: string): boolean {
  return !/\d/.test(line);
}

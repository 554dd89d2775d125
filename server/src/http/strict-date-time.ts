import type { Ajv, FormatDefinition } from 'ajv';

/**
 * ajv-formats' date-time accepts a leap second ("…T23:59:60Z"), which a Date cannot hold: such a query
 * time passed validation and then failed in the handler as a 500. A date-time here must also be an instant.
 */
export function strictDateTime(ajv: Ajv): void {
  const base = ajv.formats['date-time'];
  if (typeof base !== 'object' || base instanceof RegExp || typeof base.validate !== 'function') {
    throw new Error('the date-time format from ajv-formats is missing');
  }
  const { validate, compare } = base as FormatDefinition<string> & { validate: (s: string) => boolean };
  ajv.addFormat('date-time', { type: 'string', compare, validate: (s: string) => validate(s) && !Number.isNaN(Date.parse(s)) });
}

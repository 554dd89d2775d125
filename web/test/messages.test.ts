import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const load = (locale: string) =>
  JSON.parse(readFileSync(new URL(`../messages/${locale}.json`, import.meta.url), 'utf8')) as Record<string, string>;
const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message files', () => {
  const en = load('en');
  for (const locale of ['ru', 'es']) {
    it(`${locale} has every English message, none empty, with the same placeholders`, () => {
      const other = load(locale);
      expect(Object.keys(other).sort()).toEqual(Object.keys(en).sort());
      for (const [key, text] of Object.entries(en)) {
        if (key === '$schema') continue;
        expect(other[key]?.trim(), `${locale}.${key}`).toBeTruthy();
        expect(params(other[key]!), `${locale}.${key}`).toEqual(params(text));
      }
    });
  }
});

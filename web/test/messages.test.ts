import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attemptsLabel } from '../src/lib/i18n/labels.js';

/** A plain message, or one with variants (plurals): inlang's message format wraps those in an array. */
type Variants = { declarations?: string[]; selectors?: string[]; match: Record<string, string> }[];
type Message = string | Variants;

const load = (locale: string) =>
  JSON.parse(readFileSync(new URL(`../messages/${locale}.json`, import.meta.url), 'utf8')) as Record<string, Message>;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
const texts = (msg: Message) => (typeof msg === 'string' ? [msg] : msg.flatMap((v) => Object.values(v.match)));
/** What a caller passes: a plain message's placeholders, or a message's declared inputs. */
const inputs = (msg: Message) =>
  typeof msg === 'string'
    ? [...new Set(placeholders(msg))].sort()
    : [...new Set(msg.flatMap((v) => (v.declarations ?? []).filter((d) => d.startsWith('input ')).map((d) => d.slice(6).trim())))].sort();
/** The plural categories whole numbers take in a language (Spanish "many" is for millions in compact notation only). */
const integerCategories = (locale: string) => {
  const rules = new Intl.PluralRules(locale);
  return [...new Set(Array.from({ length: 201 }, (_, i) => rules.select(i)))];
};

describe('message files', () => {
  const en = load('en');
  for (const locale of ['ru', 'es']) {
    it(`${locale} has every English message, none empty, with the same placeholders`, () => {
      const other = load(locale);
      expect(Object.keys(other).sort()).toEqual(Object.keys(en).sort());
      for (const [key, msg] of Object.entries(en)) {
        if (key === '$schema') continue;
        for (const text of texts(other[key]!)) expect(text.trim(), `${locale}.${key}`).toBeTruthy();
        expect(inputs(other[key]!), `${locale}.${key}`).toEqual(inputs(msg));
      }
    });
  }

  for (const locale of ['en', 'ru', 'es']) {
    it(`${locale} gives every plural message a form for each plural category of whole numbers, and uses only declared names`, () => {
      for (const [key, msg] of Object.entries(load(locale))) {
        if (typeof msg === 'string') continue;
        for (const variant of msg) {
          const declared = new Set((variant.declarations ?? []).map((d) => d.replace(/^(input|local)\s+/, '').split(/\s*=/)[0]!.trim()));
          for (const text of Object.values(variant.match)) {
            for (const name of placeholders(text)) expect(declared.has(name), `${locale}.${key} uses {${name}}`).toBe(true);
          }
          for (const selector of variant.selectors ?? []) {
            const keys = Object.keys(variant.match).map((k) => k.split('=')[1]);
            expect(keys, `${locale}.${key}`).toContain('*');
            for (const category of integerCategories(locale)) {
              if (category !== 'other') expect(keys, `${locale}.${key}: ${selector}=${category}`).toContain(category);
            }
          }
        }
      }
    });
  }

  it('has the plural messages this test is for', () => {
    expect(Array.isArray(load('ru').wall_group_count)).toBe(true);
  });
});

describe('counted messages', () => {
  it('says a delivery\'s attempts in each language\'s plural forms', () => {
    expect([1, 3].map((n) => attemptsLabel(n, 'en'))).toEqual(['1 attempt', '3 attempts']);
    expect([1, 3, 5, 21, 22, 11].map((n) => attemptsLabel(n, 'ru'))).toEqual(['1 попытка', '3 попытки', '5 попыток', '21 попытка', '22 попытки', '11 попыток']);
    expect([1, 2].map((n) => attemptsLabel(n, 'es'))).toEqual(['1 intento', '2 intentos']);
  });
});

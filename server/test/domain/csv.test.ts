import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src/domain/csv.js';

describe('a CSV cell', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvCell('Gran Vía, "centro"')).toBe('"Gran Vía, ""centro"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('plain')).toBe('plain');
  });

  it('defuses what a spreadsheet would run as a formula, but not a negative number', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+1 shop')).toBe("'+1 shop");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-cmd')).toBe("'-cmd");
    expect(csvCell('-12.50')).toBe('-12.50');
  });
});

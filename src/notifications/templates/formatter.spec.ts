import { Decimal } from '../../common/decimal';
import { Formatter } from './formatter';

// Expectations use the real characters: U+202F (narrow no-break space) groups
// French digits, U+00A0 (no-break space) Swedish ones and the space before €.
describe('Formatter', () => {
  const fr = new Formatter('fr');
  const sv = new Formatter('sv');
  const en = new Formatter('en');

  describe('money', () => {
    it('formats for the locale and the currency', () => {
      expect(fr.money(new Decimal('1250.5'), 'EUR')).toBe('1\u202f250,50\u00a0€');
      expect(sv.money(new Decimal('1250.5'), 'SEK')).toBe('1\u00a0250,50\u00a0kr');
      expect(en.money(new Decimal('1250.5'), 'USD')).toBe('$1,250.50');
    });

    it('rounds half up to the minor unit of the currency', () => {
      expect(en.money(new Decimal('1250.5'), 'JPY')).toBe('¥1,251');
      expect(en.money(new Decimal('0.0005'), 'KWD')).toBe('KWD\u00a00.001');
      expect(en.money(new Decimal('2.345'), 'EUR')).toBe('€2.35');
    });

    it('keeps every digit of amounts beyond a double’s precision', () => {
      expect(en.money(new Decimal('12345678901234567890.555'), 'USD')).toBe(
        '$12,345,678,901,234,567,890.56',
      );
    });
  });

  describe('quantity', () => {
    it('groups digits and keeps every decimal', () => {
      expect(fr.quantity(new Decimal('1250000.125'), 'tokens')).toBe(
        '1\u202f250\u202f000,125 tokens',
      );
      expect(en.quantity(new Decimal('90071992547409931.5'), null)).toBe(
        '90,071,992,547,409,931.5',
      );
    });

    it('puts the unit in the plural the quantity takes in the language', () => {
      expect(en.quantity(new Decimal('5326392'), 'token')).toBe('5,326,392 tokens');
      expect(en.quantity(new Decimal('1'), 'token')).toBe('1 token');
      expect(en.quantity(new Decimal('2'), 'query')).toBe('2 queries');
      expect(en.quantity(new Decimal('0'), 'batch')).toBe('0 batches');
      expect(en.quantity(new Decimal('1.5'), 'request')).toBe('1.5 requests');
      // French: 0 and 1 (and 1.5) are singular.
      expect(fr.quantity(new Decimal('0'), 'jeton')).toBe('0 jeton');
      expect(fr.quantity(new Decimal('1.5'), 'jeton')).toBe('1,5 jeton');
      expect(fr.quantity(new Decimal('2'), 'jeton')).toBe('2 jetons');
      expect(fr.quantity(new Decimal('3'), 'niveau')).toBe('3 niveaux');
      // Abbreviations and plurals stay as written; Swedish keeps the catalog's unit.
      expect(en.quantity(new Decimal('2'), 'GB')).toBe('2 GB');
      expect(en.quantity(new Decimal('20'), 'min')).toBe('20 min');
      expect(en.quantity(new Decimal('2'), 'tokens')).toBe('2 tokens');
      expect(sv.quantity(new Decimal('2'), 'token')).toBe('2 token');
      expect(en.quantity(new Decimal('12345678901234567891'), 'token')).toBe(
        '12,345,678,901,234,567,891 tokens',
      );
    });
  });

  describe('percent', () => {
    it('rounds down to a whole percent, so nearly full never reads as full', () => {
      expect(en.percent(new Decimal('0.9997'))).toBe('99%');
      expect(fr.percent(new Decimal('0.8'))).toBe('80\u00a0%');
      expect(en.percent(new Decimal('1.25'))).toBe('125%');
    });
  });

  describe('date', () => {
    it('writes the UTC date in full, for the locale', () => {
      const at = new Date('2026-03-31T23:30:00Z');
      expect(en.date(at)).toBe('March 31, 2026');
      expect(new Formatter('en-GB').date(at)).toBe('31 March 2026');
      expect(fr.date(at)).toBe('31 mars 2026');
      expect(sv.date(at)).toBe('31 mars 2026');
    });
  });
});

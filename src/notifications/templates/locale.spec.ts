import { resolveMailLocale } from './locale';

describe('resolveMailLocale', () => {
  it.each([
    ['en', 'en', 'en'],
    ['en-GB', 'en', 'en-GB'],
    ['fr', 'fr', 'fr'],
    ['fr-CA', 'fr', 'fr-CA'],
    ['sv', 'sv', 'sv'],
    ['sv-FI', 'sv', 'sv-FI'],
  ])('writes %s in %s, formatted for %s', (tag, language, formatLocale) => {
    expect(resolveMailLocale(tag)).toEqual({ language, formatLocale });
  });

  it.each(['de', 'de-CH', 'zh-Hant-TW', 'not a locale'])(
    'falls back to English words and English figures for %s',
    (tag) => {
      expect(resolveMailLocale(tag)).toEqual({ language: 'en', formatLocale: 'en' });
    },
  );
});

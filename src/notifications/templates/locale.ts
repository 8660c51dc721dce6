export const LANGUAGES = ['en', 'fr', 'sv'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface MailLocale {
  /** The language the words are in. */
  language: Language;
  /** The locale numbers, amounts and dates are formatted for. */
  formatLocale: string;
}

const ENGLISH: MailLocale = { language: 'en', formatLocale: 'en' };

/**
 * The customer's language when we have it ("fr-CA" → French words, Canadian
 * French figures), English otherwise. The fallback formats in English too, so
 * an e-mail never mixes English words with, say, German number formats.
 */
export function resolveMailLocale(tag: string): MailLocale {
  let language: string;
  try {
    language = new Intl.Locale(tag).language;
  } catch {
    return ENGLISH;
  }
  return isLanguage(language) ? { language, formatLocale: tag } : ENGLISH;
}

function isLanguage(language: string): language is Language {
  return (LANGUAGES as readonly string[]).includes(language);
}

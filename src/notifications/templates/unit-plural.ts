/**
 * A meter's unit as it reads after a quantity: "5,326,392 tokens", "1 token".
 * Units are written in the singular in the catalog ("token", "request"); the
 * plural category comes from CLDR (Intl.PluralRules: French 0 and 1 are
 * singular, English only 1). Abbreviations ("GB", "min", "kWh", "ms") and
 * units already plural stay as written. Swedish plurals cannot be derived from
 * the singular by rule (token → token, minut → minuter), so Swedish keeps the
 * unit as the catalog writes it.
 */
export function unitFor(unit: string, quantity: string, locale: string): string {
  const language = languageOf(locale);
  if (language === 'sv' || isAbbreviation(unit)) return unit;
  const category = new Intl.PluralRules(locale).select(quantityForRules(quantity));
  if (category === 'one') return unit;
  return language === 'fr' ? frenchPlural(unit) : englishPlural(unit);
}

function languageOf(locale: string): string {
  try {
    return new Intl.Locale(locale).language;
  } catch {
    return 'en';
  }
}

/** Short units, units with capitals, digits or symbols ("GB", "kWh", "m3", "req/s") are abbreviations. */
function isAbbreviation(unit: string): boolean {
  return unit.length <= 3 || /[A-Z0-9/.²³%]/.test(unit) || unit.includes(' ');
}

/** PluralRules takes numbers; the category of a huge quantity depends only on its last digits and fraction. */
function quantityForRules(quantity: string): number {
  const [whole, fraction] = quantity.replace('-', '').split('.');
  const tail = Number(whole.slice(-6));
  const wholeValue = whole.length > 6 ? 1_000_000 + tail : tail;
  return wholeValue + (fraction ? Number(`0.${fraction.slice(0, 10)}`) : 0);
}

function englishPlural(word: string): string {
  if (/s$/i.test(word)) return word;
  if (/(x|z|ch|sh)$/i.test(word)) return `${word}es`;
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

function frenchPlural(word: string): string {
  if (/[sxz]$/i.test(word)) return word;
  if (/(au|eu)$/i.test(word)) return `${word}x`;
  return `${word}s`;
}

import { escapeHtml as e } from './html';
import { MESSAGES } from './languages';
import { resolveMailLocale } from './locale';

/**
 * The page behind an unsubscribe link, in the customer's language. Opening the
 * link only asks (`confirm`): mail scanners follow links, and must not opt
 * anyone out. The form posts back to the same URL, token included.
 */
export function unsubscribePage(localeTag: string, state: 'confirm' | 'done'): string {
  const { language } = resolveMailLocale(localeTag);
  const page = MESSAGES[language].unsubscribePage;
  const body =
    state === 'confirm'
      ? `<p>${e(page.question)}</p>\n<form method="post"><button type="submit">${e(page.confirm)}</button></form>`
      : `<p>${e(page.done)}</p>`;
  return (
    `<!DOCTYPE html>\n<html lang="${language}">\n<head><meta charset="utf-8"><title>${e(page.title)}</title></head>\n` +
    `<body style="font-family:sans-serif;max-width:32em;margin:3em auto">\n<h1>${e(page.title)}</h1>\n${body}\n</body>\n</html>\n`
  );
}

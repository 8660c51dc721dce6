import { escapeHtml } from '../../notifications/templates/html';

/** Where the page's own script and stylesheet are served (usage-page-assets.controller.ts). */
export const ASSETS_PATH = 'usage-assets';

/**
 * The document around a page. No inline script or style anywhere: the
 * content security policy allows only this service's own files.
 */
export function pageDocument(language: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/${ASSETS_PATH}/usage-page.css">
<script src="/${ASSETS_PATH}/usage-page.js" defer></script>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** A page of one heading and one sentence (a dead link, too many requests). */
export function messagePage(language: string, message: { title: string; text: string }): string {
  return pageDocument(
    language,
    message.title,
    `<h1>${escapeHtml(message.title)}</h1>\n<p>${escapeHtml(message.text)}</p>`,
  );
}

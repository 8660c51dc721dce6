import { escapeHtml as e } from './html';
import { Language } from './locale';

export type Row = readonly [label: string, value: string];

export interface Link {
  text: string;
  action: string;
  url: string;
}

/** One e-mail, in words and figures, before it is laid out as text or HTML. */
export interface EmailView {
  language: Language;
  subject: string;
  greeting: string;
  paragraphs: string[];
  rows: Row[];
  raiseLimit: Link;
  /** Only in non-critical e-mails. */
  unsubscribe: Link | null;
}

export function toText(view: EmailView): string {
  const width = Math.max(...view.rows.map(([label]) => label.length));
  const lines = [
    view.greeting,
    '',
    ...view.paragraphs.flatMap((paragraph) => [paragraph, '']),
    ...view.rows.map(([label, value]) => `${label.padEnd(width)}   ${value}`),
    '',
    view.raiseLimit.text,
    view.raiseLimit.url,
  ];
  if (view.unsubscribe) {
    lines.push('', '-- ', view.unsubscribe.text, view.unsubscribe.action, view.unsubscribe.url);
  }
  return `${lines.join('\n')}\n`;
}

/** Plain HTML with inline styles, the only styling mail clients reliably keep; every text is escaped. */
export function toHtml(view: EmailView): string {
  const rows = view.rows.map(
    ([label, value]) =>
      `<tr><th style="text-align:left;font-weight:normal;color:#555;padding:2px 16px 2px 0">${e(label)}</th>` +
      `<td style="padding:2px 0"><strong>${e(value)}</strong></td></tr>`,
  );
  const unsubscribe = view.unsubscribe
    ? `<hr style="border:none;border-top:1px solid #ddd">\n<p style="font-size:12px;color:#777">${e(view.unsubscribe.text)} <a href="${e(view.unsubscribe.url)}">${e(view.unsubscribe.action)}</a></p>\n`
    : '';
  return (
    `<!DOCTYPE html>\n<html lang="${view.language}">\n<head><meta charset="utf-8"><title>${e(view.subject)}</title></head>\n` +
    `<body style="font-family:sans-serif;color:#222;line-height:1.5">\n` +
    `<p>${e(view.greeting)}</p>\n` +
    view.paragraphs.map((paragraph) => `<p>${e(paragraph)}</p>\n`).join('') +
    `<table style="border-collapse:collapse">\n${rows.join('\n')}\n</table>\n` +
    `<p>${e(view.raiseLimit.text)}<br><a href="${e(view.raiseLimit.url)}">${e(view.raiseLimit.action)}</a></p>\n` +
    unsubscribe +
    `</body>\n</html>\n`
  );
}

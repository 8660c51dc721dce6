import { createHash } from 'node:crypto';

/**
 * The Message-ID of the e-mail enqueued under `dedupeKey`: the same on every
 * attempt, so a resend after a lost SMTP reply is recognisably the same
 * message to the receiving servers and mail clients.
 */
export function messageIdFor(dedupeKey: string, from: string): string {
  const hash = createHash('sha256').update(`email:${dedupeKey}`).digest('hex').slice(0, 32);
  return `<${hash}@${senderDomain(from)}>`;
}

/** "Billing <billing@acme.example>" → "acme.example". */
export function senderDomain(from: string): string {
  return /@([^@<>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
}

import { SendMailOptions } from 'nodemailer';

export interface OutgoingMail {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** Stable per outbox message, see message-id.ts. */
  messageId: string;
  date: Date;
  /** The one-click opt-out (RFC 8058) of a non-critical e-mail. */
  unsubscribeUrl: string | null;
}

/** Sends one e-mail or throws; a PermanentDeliveryError when trying again cannot help. */
export abstract class MailSender {
  abstract send(mail: OutgoingMail): Promise<void>;
}

/** The message as nodemailer composes it, the same for every transport. */
export function composeMessage(mail: OutgoingMail, from: string): SendMailOptions {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    date: mail.date,
    ...(mail.unsubscribeUrl && {
      list: { unsubscribe: mail.unsubscribeUrl },
      headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    }),
  };
}

import { createTransport, NodemailerError, Transporter } from 'nodemailer';
import { PermanentDeliveryError } from '../outbox/outbox-handler';
import { composeMessage, MailSender, OutgoingMail } from './mail-sender';

/** Sends over SMTP (`SMTP_URL`), one connection per message. */
export class SmtpMailSender extends MailSender {
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    super();
    // Well under the outbox's claim lease, so a hung server cannot make two workers send.
    this.transport = createTransport({
      url,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 60_000,
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    try {
      await this.transport.sendMail(composeMessage(mail, this.from));
    } catch (error) {
      // nodemailer marks 5xx replies (a rejected address, a refused message) as permanent.
      if ((error as NodemailerError).permanent) {
        throw new PermanentDeliveryError((error as NodemailerError).message);
      }
      throw error;
    }
  }
}

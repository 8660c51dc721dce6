import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport, StreamSentMessageInfo, Transporter } from 'nodemailer';
import { composeMessage, MailSender, OutgoingMail } from './mail-sender';

/**
 * Without SMTP configured, each message becomes an .eml file in `directory`
 * (any mail client opens it), so a newcomer sees what would have been sent.
 * The file is named after the Message-ID, so a retry rewrites the same file.
 */
export class EmlFileMailSender extends MailSender {
  private readonly transport: Transporter<StreamSentMessageInfo>;

  constructor(
    private readonly directory: string,
    private readonly from: string,
  ) {
    super();
    this.transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(mail: OutgoingMail): Promise<void> {
    const info = await this.transport.sendMail(composeMessage(mail, this.from));
    await mkdir(this.directory, { recursive: true });
    const name = mail.messageId.replace(/^<|@.*$/g, '');
    await writeFile(join(this.directory, `${name}.eml`), info.message);
  }
}

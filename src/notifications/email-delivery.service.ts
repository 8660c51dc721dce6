import { Injectable, OnModuleInit } from '@nestjs/common';
import { z } from 'zod';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { DeliveryOutcome, OutboxHandler, PermanentDeliveryError } from '../outbox/outbox-handler';
import { OutboxHandlers } from '../outbox/outbox-handlers.service';
import { OutboxMessage } from '../outbox/outbox-message';
import { UsageLinksService } from '../usage-links/usage-links.service';
import { emailPayloadSchema } from './email-message';
import { EmailPreferencesRepository } from '../customers/email-preferences.repository';
import { emailLinks } from './links';
import { MailSender } from './mail-sender';
import { messageIdFor } from './message-id';
import { renderEmail } from './templates/render';

/**
 * The outbox handler of the `email` channel: renders the message for the
 * customer as they are now (language, opt-out) and sends it.
 */
@Injectable()
export class EmailDelivery implements OutboxHandler, OnModuleInit {
  readonly channel = 'email';

  constructor(
    private readonly handlers: OutboxHandlers,
    private readonly recipients: EmailPreferencesRepository,
    private readonly sender: MailSender,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly usagePages: UsageLinksService,
  ) {}

  onModuleInit(): void {
    this.handlers.register(this);
  }

  async deliver(message: OutboxMessage): Promise<DeliveryOutcome> {
    const parsed = emailPayloadSchema.safeParse(message.payload);
    if (!parsed.success) {
      throw new PermanentDeliveryError(`not a valid e-mail: ${z.prettifyError(parsed.error)}`);
    }
    const payload = parsed.data;
    const recipient = await this.recipients.find({ id: payload.customerId });
    if (!recipient) throw new PermanentDeliveryError(`no customer ${payload.customerId}`);
    if (recipient.optedOut && !payload.critical) {
      return { status: 'skipped', reason: 'the customer opted out of usage warnings' };
    }
    // Dead rather than skipped: an operator can add the address and replay.
    if (!recipient.email) throw new PermanentDeliveryError('the customer has no e-mail address');

    const usagePage = await this.usagePages.urlFor(payload.customerId);
    const links = emailLinks(this.config, recipient, payload.critical, usagePage.url);
    const rendered = renderEmail(payload, recipient, links);
    await this.sender.send({
      to: { name: recipient.name, address: recipient.email },
      ...rendered,
      messageId: messageIdFor(message.dedupeKey, this.config.mail.from),
      date: this.clock.now(),
      unsubscribeUrl: links.unsubscribe,
    });
    return { status: 'sent' };
  }
}

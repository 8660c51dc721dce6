import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors';
import { isUuid } from '../common/ids';
import { EmailPreferences } from './dto/email-preferences.schema';
import { EmailPreferencesRepository, Recipient } from '../customers/email-preferences.repository';

/** Customers' choice of e-mails: set by the API, or by the link in a usage warning. */
@Injectable()
export class EmailPreferencesService {
  constructor(private readonly recipients: EmailPreferencesRepository) {}

  async get(externalId: string): Promise<EmailPreferences> {
    const recipient = await this.recipients.find({ externalId });
    if (!recipient) throw new NotFoundError('customer', externalId);
    return toPreferences(recipient);
  }

  async update(externalId: string, preferences: EmailPreferences): Promise<EmailPreferences> {
    const recipient = await this.recipients.setOptOut({ externalId }, !preferences.usageWarnings);
    if (!recipient) throw new NotFoundError('customer', externalId);
    return toPreferences(recipient);
  }

  /** The customer an unsubscribe link belongs to. */
  async findByToken(token: unknown): Promise<Recipient> {
    const recipient = isToken(token)
      ? await this.recipients.find({ unsubscribeToken: token })
      : null;
    if (!recipient) throw new NotFoundError('unsubscribe link', String(token));
    return recipient;
  }

  async unsubscribe(token: unknown): Promise<Recipient> {
    const recipient = isToken(token)
      ? await this.recipients.setOptOut({ unsubscribeToken: token }, true)
      : null;
    if (!recipient) throw new NotFoundError('unsubscribe link', String(token));
    return recipient;
  }
}

function isToken(token: unknown): token is string {
  return typeof token === 'string' && isUuid(token);
}

function toPreferences(recipient: Recipient): EmailPreferences {
  return { usageWarnings: !recipient.optedOut };
}

import { AppConfig } from '../config/app-config';
import { Recipient } from './email-preferences.repository';
import { EmailLinks } from './templates/render';

/** Public: the link in an e-mail must work without an API key; the token is the credential. */
export const UNSUBSCRIBE_PATH = 'v1/email-preferences/unsubscribe';

/** The links of an e-mail; critical ones carry no unsubscribe link, since they cannot be turned off. */
export function emailLinks(config: AppConfig, recipient: Recipient, critical: boolean): EmailLinks {
  const token = encodeURIComponent(recipient.unsubscribeToken);
  return {
    upgrade: `${config.publicUrl}${config.mail.upgradePath}`,
    unsubscribe: critical ? null : `${config.publicUrl}/${UNSUBSCRIBE_PATH}?token=${token}`,
  };
}

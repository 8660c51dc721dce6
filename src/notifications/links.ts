import { AppConfig } from '../config/app-config';
import { Recipient } from '../customers/email-preferences.repository';
import { EmailLinks } from './templates/render';

/** Public: the link in an e-mail must work without an API key; the token is the credential. */
export const UNSUBSCRIBE_PATH = 'v1/email-preferences/unsubscribe';

/**
 * The links of an e-mail. The call to action opens the customer's usage page,
 * unless the company has its own upgrade page (UPGRADE_PATH). Critical e-mails
 * carry no unsubscribe link, since they cannot be turned off.
 */
export function emailLinks(
  config: AppConfig,
  recipient: Recipient,
  critical: boolean,
  usagePageUrl: string,
): EmailLinks {
  const token = encodeURIComponent(recipient.unsubscribeToken);
  const upgradePath = config.mail.upgradePath;
  return {
    upgrade: upgradePath === undefined ? usagePageUrl : `${config.publicUrl}${upgradePath}`,
    unsubscribe: critical ? null : `${config.publicUrl}/${UNSUBSCRIBE_PATH}?token=${token}`,
  };
}

import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { CustomersModule } from '../customers/customers.module';
import { OutboxModule } from '../outbox/outbox.module';
import { UsageLinksModule } from '../usage-links/usage-links.module';
import { EmailDelivery } from './email-delivery.service';
import { EmailPreferencesController } from './email-preferences.controller';
import { EmailPreferencesService } from './email-preferences.service';
import { EmlFileMailSender } from './eml-file-mail-sender';
import { MailSender } from './mail-sender';
import { NotificationsService } from './notifications.service';
import { SmtpMailSender } from './smtp-mail-sender';
import { UnsubscribeController } from './unsubscribe.controller';

/** Customer e-mails: enqueued through the outbox, rendered per locale, sent over SMTP. */
@Module({
  imports: [CustomersModule, OutboxModule, UsageLinksModule],
  controllers: [EmailPreferencesController, UnsubscribeController],
  providers: [
    EmailDelivery,
    EmailPreferencesService,
    NotificationsService,
    {
      provide: MailSender,
      inject: [AppConfig],
      useFactory: ({ mail, dataDir }: AppConfig): MailSender =>
        mail.smtpUrl
          ? new SmtpMailSender(mail.smtpUrl, mail.from)
          : new EmlFileMailSender(join(dataDir, 'mail'), mail.from),
    },
  ],
  exports: [NotificationsService],
})
export class NotificationsModule {}

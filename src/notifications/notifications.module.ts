import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { OutboxModule } from '../outbox/outbox.module';
import { UsageLinksModule } from '../usage-links/usage-links.module';
import { EmailDelivery } from './email-delivery.service';
import { EmailPreferencesController } from './email-preferences.controller';
import { EmailPreferencesRepository } from './email-preferences.repository';
import { EmailPreferencesService } from './email-preferences.service';
import { EmlFileMailSender } from './eml-file-mail-sender';
import { MailSender } from './mail-sender';
import { NotificationsService } from './notifications.service';
import { SmtpMailSender } from './smtp-mail-sender';
import { UnsubscribeController } from './unsubscribe.controller';

/** Customer e-mails: enqueued through the outbox, rendered per locale, sent over SMTP. */
@Module({
  imports: [OutboxModule, UsageLinksModule],
  controllers: [EmailPreferencesController, UnsubscribeController],
  providers: [
    EmailDelivery,
    EmailPreferencesRepository,
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

import { Controller, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/scopes';
import { EmailPreferencesService } from './email-preferences.service';
import { UNSUBSCRIBE_PATH } from './links';
import { unsubscribePage } from './templates/unsubscribe-page';

/**
 * The unsubscribe link of usage warnings: GET shows a confirmation page, POST
 * (its button, or a mail client's RFC 8058 one-click request) opts out.
 */
@ApiTags('notifications')
@Public()
@Controller(UNSUBSCRIBE_PATH)
export class UnsubscribeController {
  constructor(private readonly preferences: EmailPreferencesService) {}

  @Get()
  @ApiQuery({ name: 'token', description: 'from the link in the e-mail' })
  @Header('Content-Type', 'text/html; charset=utf-8')
  async confirm(@Query('token') token: unknown): Promise<string> {
    const recipient = await this.preferences.findByToken(token);
    return unsubscribePage(recipient.locale, 'confirm');
  }

  @Post()
  @HttpCode(200)
  @ApiQuery({ name: 'token', description: 'from the link in the e-mail' })
  @Header('Content-Type', 'text/html; charset=utf-8')
  async unsubscribe(@Query('token') token: unknown): Promise<string> {
    const recipient = await this.preferences.unsubscribe(token);
    return unsubscribePage(recipient.locale, 'done');
  }
}

import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { Response } from 'express';
import { ErrorFilter } from '../common/http/error.filter';
import { NotFoundError } from '../common/errors';
import { messagePage } from './page/page-layout';
import { PAGE_MESSAGES } from './page/page-messages';
import { TooManyRequestsError } from './usage-page-rate-limit.guard';

/**
 * A person opens these pages, so a dead link or too many requests answer a
 * page, in English (a wrong token says nothing about whose page it was);
 * every other failure keeps the API's JSON shape.
 */
@Catch()
export class UsagePageErrorFilter implements ExceptionFilter {
  private readonly json = new ErrorFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const m = PAGE_MESSAGES.en;
    const notFound =
      exception instanceof NotFoundError ||
      (exception instanceof HttpException && exception.getStatus() === 404);
    if (notFound) {
      response.status(404).type('html').send(messagePage('en', m.notFound));
    } else if (exception instanceof TooManyRequestsError) {
      response
        .status(429)
        .setHeader('Retry-After', String(exception.retryAfterSeconds))
        .type('html')
        .send(messagePage('en', m.tooMany));
    } else {
      this.json.catch(exception, host);
    }
  }
}

import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { Response } from 'express';
import { DomainError, FieldProblem } from '../errors';

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  validation_failed: HttpStatus.BAD_REQUEST,
  unauthorized: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  payload_too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  unsupported_media_type: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  period_closed: HttpStatus.CONFLICT,
};

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export interface ErrorBody {
  error: { code: string; message: string; details?: FieldProblem[] };
}

const logger = new Logger('HTTP');

/** Turns every failure into the contract's `{"error": {code, message, details}}` shape. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    answerError(host.switchToHttp().getResponse<Response>(), exception);
  }
}

/** Answers a failure in the contract's error shape (the filter's answer, for routes outside Nest). */
export function answerError(response: Response, exception: unknown): void {
  const [status, body] = errorAnswer(exception);
  // A route may have set another type (an HTML page) before it failed; the error is JSON.
  response.status(status).type('application/json').json(body);
}

/** The status and body that answer a failure (logged when it is the service's own, 5xx). */
export function errorAnswer(exception: unknown): [number, ErrorBody] {
  const [status, body] = describe(exception);
  if (status >= 500) logger.error(exception instanceof Error ? exception.stack : String(exception));
  return [status, body];
}

function describe(exception: unknown): [number, ErrorBody] {
  if (exception instanceof DomainError) {
    const status = STATUS_BY_CODE[exception.code] ?? HttpStatus.BAD_REQUEST;
    const details = exception.details.length > 0 ? { details: exception.details } : {};
    return [status, { error: { code: exception.code, message: exception.message, ...details } }];
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
    return [status, { error: { code, message: exception.message } }];
  }
  return [500, { error: { code: 'internal_error', message: 'an unexpected error occurred' } }];
}

import { CallHandler, ExecutionContext, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable } from 'rxjs';
import { ValidationFailedError } from '../errors';
import { findUnplainText } from '../plain-text';
import { RequestWithBodyError } from './json-body';

const BATCH_FIELD = 'input:batch-field';

/**
 * Marks a batch route whose body array `field` holds items the route checks
 * one by one (control characters included), refusing a bad item on its own
 * instead of the whole request.
 */
export const ChecksBatchItems = (field: string) => SetMetadata(BATCH_FIELD, field);

/**
 * Runs on every route after the API key guard and before the handler: answers
 * a body the parser refused, then refuses control characters in path
 * parameters, query and body, naming the field. Every route is covered here,
 * once, instead of in each schema.
 */
export class InputScreenInterceptor implements NestInterceptor {
  private readonly reflector = new Reflector();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const batchField = this.reflector.get<string | undefined>(BATCH_FIELD, context.getHandler());
    screenInput(context.switchToHttp().getRequest<RequestWithBodyError>(), batchField);
    return next.handle();
  }
}

/**
 * Throws what the interceptor refuses a request for: a body the parser refused,
 * or control characters in path parameters, query or body (items of the body
 * array `batchField` excepted, which their route checks one by one).
 */
export function screenInput(
  request: Pick<RequestWithBodyError, 'bodyError' | 'params' | 'query' | 'body'>,
  batchField?: string,
): void {
  if (request.bodyError) throw request.bodyError;
  const problem =
    findUnplainText(request.params) ??
    findUnplainText(request.query) ??
    findUnplainText(
      request.body,
      [],
      (path) => path.length === 2 && path[0] === batchField && typeof path[1] === 'number',
    );
  if (problem) throw new ValidationFailedError([problem]);
}

import { json, NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError, PayloadTooLargeError } from '../errors';

/** A body the parser refused, kept on the request until the API key has been checked. */
export interface RequestWithBodyError extends Request {
  bodyError?: DomainError;
}

/**
 * The JSON body parser. Its failures happen before any route runs, so before
 * the API key guard: they are kept on the request (body left unset) and
 * answered by InputScreenInterceptor once the key has been checked, so a
 * caller without a key learns nothing about how the body is read.
 */
export function jsonBody(
  limit: string,
): Array<RequestHandler | ((e: unknown, q: Request, r: Response, n: NextFunction) => void)> {
  return [json({ limit }), keepBodyParserError];
}

function keepBodyParserError(
  error: unknown,
  request: RequestWithBodyError,
  _response: Response,
  next: NextFunction,
): void {
  const described = describe(error as BodyParserError);
  if (!described) return next(error);
  request.bodyError = described;
  next();
}

interface BodyParserError {
  type?: string;
  limit?: number;
  status?: number;
  code?: string;
}

function describe(error: BodyParserError): DomainError | null {
  switch (error?.type) {
    case 'entity.parse.failed':
      return new DomainError('invalid_json', 'the request body is not valid JSON');
    case 'entity.too.large':
      return new PayloadTooLargeError(`the request body is larger than ${error.limit} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new DomainError(
        'unsupported_media_type',
        'the request body encoding is not supported (Content-Encoding: gzip, deflate or br; charset utf-8)',
      );
  }
  // Any other refusal of the bytes themselves, such as a body that does not
  // decompress as its Content-Encoding says (zlib's Z_DATA_ERROR) or that
  // stops short of its Content-Length.
  if (typeof error?.status === 'number' && error.status >= 400 && error.status < 500)
    return new DomainError(
      'invalid_body',
      'the request body could not be read: it does not match its Content-Encoding or Content-Length',
    );
  return null;
}

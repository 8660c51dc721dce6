import { json, NextFunction, Request, RequestHandler, Response } from 'express';
import { ErrorBody } from './error.filter';

/**
 * The JSON body parser, with its failures answered in the contract's error
 * shape. They happen before any route runs, so Nest's filters never see their
 * kind (Nest turns them into anonymous 400s).
 */
export function jsonBody(
  limit: string,
): Array<RequestHandler | ((e: unknown, q: Request, r: Response, n: NextFunction) => void)> {
  return [json({ limit }), answerBodyParserError];
}

function answerBodyParserError(
  error: unknown,
  _request: Request,
  response: Response,
  next: NextFunction,
): void {
  const described = describe(error as { type?: string; limit?: number });
  if (!described) return next(error);
  const [status, body] = described;
  response.status(status).json(body);
}

function describe(error: { type?: string; limit?: number }): [number, ErrorBody] | null {
  switch (error?.type) {
    case 'entity.parse.failed':
      return [
        400,
        { error: { code: 'invalid_json', message: 'the request body is not valid JSON' } },
      ];
    case 'entity.too.large':
      return [
        413,
        {
          error: {
            code: 'payload_too_large',
            message: `the request body is larger than ${error.limit} bytes`,
          },
        },
      ];
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return [
        415,
        {
          error: {
            code: 'unsupported_media_type',
            message: 'the request body encoding is not supported',
          },
        },
      ];
    default:
      return null;
  }
}

import { NextFunction, Request, Response } from 'express';
import { SAME_ORIGIN_ONLY_CSP } from '../common/http/content-security-policy';

/**
 * Headers of every answer under /usage/{token}, errors included: nothing from
 * another origin, never cached, never indexed, and no Referer carrying the
 * token to another site when the customer follows a link.
 */
export function pageHeaders(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('Content-Security-Policy', SAME_ORIGIN_ONLY_CSP);
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Robots-Tag', 'noindex');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}

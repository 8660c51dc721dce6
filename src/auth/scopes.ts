import { SetMetadata } from '@nestjs/common';

export const SCOPES = ['admin', 'read', 'ingest', 'check'] as const;
export type Scope = (typeof SCOPES)[number];

export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_SCOPE = 'auth:scope';

/** Marks a route that needs no API key (only the health check). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The scopes a route accepts (any one of them). Without it, GET routes need
 * `read` and every other method `admin`; `admin` keys may call everything.
 * `check` is for a product's servers asking for entitlements on every request.
 */
export const RequiresScope = (...scopes: [Scope, ...Scope[]]) =>
  SetMetadata(REQUIRED_SCOPE, scopes);

export function scopeAllows(granted: Scope, required: readonly Scope[]): boolean {
  return granted === 'admin' || required.includes(granted);
}

import { SetMetadata } from '@nestjs/common';

export const SCOPES = ['admin', 'read', 'ingest'] as const;
export type Scope = (typeof SCOPES)[number];

export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_SCOPE = 'auth:scope';

/** Marks a route that needs no API key (only the health check). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The scope a route needs. Without it, GET routes need `read` and every other
 * method `admin`; `admin` keys may call everything.
 */
export const RequiresScope = (scope: Scope) => SetMetadata(REQUIRED_SCOPE, scope);

export function scopeAllows(granted: Scope, required: Scope): boolean {
  return granted === 'admin' || granted === required;
}

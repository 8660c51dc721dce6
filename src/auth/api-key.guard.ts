import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../common/errors';
import { ApiKeysService, Principal } from './api-keys.service';
import { PUBLIC_ROUTE, REQUIRED_SCOPE, Scope, scopeAllows } from './scopes';

/** Applied to every route: a valid key with the route's scope, unless the route is @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<Request>();
    const required = this.reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPE, targets);
    await authorize(this.apiKeys, request, required);
    return true;
  }
}

/**
 * The principal of the request's API key, if it may call a route that accepts
 * `required` (undefined: `read` for GET and HEAD, `admin` otherwise); throws
 * UnauthorizedError or ForbiddenError otherwise. The guard and the lean
 * entitlement routes (src/entitlements/lean-check-routes.ts) both ask it.
 */
export async function authorize(
  apiKeys: ApiKeysService,
  request: Pick<Request, 'headers' | 'method'>,
  required: readonly Scope[] | undefined,
): Promise<Principal> {
  const presented = bearerToken(request.headers.authorization);
  if (!presented) throw new UnauthorizedError();
  const principal = await apiKeys.authenticate(presented);
  if (!principal) throw new UnauthorizedError('the API key is not valid or has been revoked');
  const scopes = required ?? [defaultScope(request.method)];
  if (!scopeAllows(principal.scope, scopes)) {
    throw new ForbiddenError(
      `this API key has scope '${principal.scope}'; this endpoint needs ${scopes.map((scope) => `'${scope}'`).join(' or ')}`,
    );
  }
  return principal;
}

function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match ? match[1] : null;
}

function defaultScope(method: string): Scope {
  return method === 'GET' || method === 'HEAD' ? 'read' : 'admin';
}

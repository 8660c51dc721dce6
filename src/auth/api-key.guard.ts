import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { ForbiddenError, UnauthorizedError } from '../common/errors';
import { ApiKeysService } from './api-keys.service';
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
    const presented = bearerToken(request.headers.authorization);
    if (!presented) throw new UnauthorizedError();
    const principal = await this.apiKeys.authenticate(presented);
    if (!principal) throw new UnauthorizedError('the API key is not valid or has been revoked');

    const required = this.reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPE, targets) ?? [
      defaultScope(request.method),
    ];
    if (!scopeAllows(principal.scope, required)) {
      throw new ForbiddenError(
        `this API key has scope '${principal.scope}'; this endpoint needs ${required.map((scope) => `'${scope}'`).join(' or ')}`,
      );
    }
    return true;
  }
}

function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match ? match[1] : null;
}

function defaultScope(method: string): Scope {
  return method === 'GET' || method === 'HEAD' ? 'read' : 'admin';
}

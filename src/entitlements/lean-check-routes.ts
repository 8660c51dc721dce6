import { Request, Response, Router } from 'express';
import { authorize } from '../auth/api-key.guard';
import { ApiKeysService } from '../auth/api-keys.service';
import { answerError } from '../common/http/error.filter';
import { screenInput } from '../common/http/input-screen.interceptor';
import { toEntitlementsResponse, toMeterEntitlementsResponse } from './dto/entitlement.response';
import { CHECK_SCOPES, ENTITLEMENTS_PATH } from './entitlements.controller';
import { EntitlementsService } from './entitlements.service';

/**
 * The two entitlement checks (`GET …/entitlements` and `…/entitlements/{meter}`)
 * as plain Express routes, mounted in front of Nest's router by
 * configureHttp: a product asks them on every request, and Nest's pipeline
 * (guard, interceptor, filter lookup, the route's observable) cost more CPU
 * than the check itself. They run the same steps through the same functions,
 * so auth, scopes, input screening, error bodies and the answer (Express's
 * ETag and If-None-Match included) are those of EntitlementsController,
 * which stays for the API docs.
 */
export function leanCheckRoutes(
  apiKeys: ApiKeysService,
  entitlements: EntitlementsService,
): Router {
  // Named path parameters are strings (Nest's @Param reads the same ones).
  type Params = Record<'externalId' | 'meter', string>;
  const answer = (check: (params: Params) => Promise<object>) => {
    return async (request: Request, response: Response): Promise<void> => {
      try {
        await authorize(apiKeys, request, CHECK_SCOPES);
        screenInput(request);
        response.json(await check(request.params as Params));
      } catch (error) {
        answerError(response, error);
      }
    };
  };
  const router = Router();
  router.get(
    `/${ENTITLEMENTS_PATH}`,
    answer(async (params) => toEntitlementsResponse(await entitlements.check(params.externalId))),
  );
  router.get(
    `/${ENTITLEMENTS_PATH}/:meter`,
    answer(async (params) =>
      toMeterEntitlementsResponse(await entitlements.check(params.externalId, params.meter)),
    ),
  );
  return router;
}

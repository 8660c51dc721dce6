import { Express, Request, Response, Router } from 'express';
import { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { authorize } from '../auth/api-key.guard';
import { ApiKeysService } from '../auth/api-keys.service';
import { answerError, errorAnswer } from '../common/http/error.filter';
import { screenInput } from '../common/http/input-screen.interceptor';
import { RequestWithBodyError } from '../common/http/json-body';
import { toEntitlementsResponse, toMeterEntitlementsResponse } from './dto/entitlement.response';
import { CHECK_SCOPES, ENTITLEMENTS_PATH } from './entitlements.controller';
import { EntitlementsService } from './entitlements.service';

/**
 * The two entitlement checks (`GET …/entitlements` and `…/entitlements/{meter}`)
 * outside Nest: a product asks them on every request, and Nest's pipeline
 * (guard, interceptor, filter lookup, the route's observable) cost more CPU
 * than the check itself. Both ways below run the same steps through the same
 * functions as EntitlementsController (which stays for the API docs), so
 * auth, scopes, input screening, error bodies and the answer are its own.
 */

/** What a check reads of its request: its key, its path parameters (externalId, meter) and input to screen. */
type CheckRequest = Pick<
  RequestWithBodyError,
  'headers' | 'method' | 'params' | 'bodyError' | 'query' | 'body'
>;

/** The answer to a check, after the key and input checks every route makes. */
async function answerCheck(
  apiKeys: ApiKeysService,
  entitlements: EntitlementsService,
  request: CheckRequest,
): Promise<object> {
  await authorize(apiKeys, request, CHECK_SCOPES);
  screenInput(request);
  // Named path parameters are strings (Nest's @Param reads the same ones).
  const { externalId, meter } = request.params as { externalId: string; meter?: string };
  return meter === undefined
    ? toEntitlementsResponse(await entitlements.check(externalId))
    : toMeterEntitlementsResponse(await entitlements.check(externalId, meter));
}

/**
 * The checks as Express routes, mounted in front of Nest's router by
 * configureHttp: they answer what checksBeforeExpress leaves to Express
 * (HEAD, conditional requests, a query or a body to screen), with Express's
 * ETag and If-None-Match → 304.
 */
export function leanCheckRoutes(
  apiKeys: ApiKeysService,
  entitlements: EntitlementsService,
): Router {
  const answer = async (request: Request, response: Response): Promise<void> => {
    try {
      response.json(await answerCheck(apiKeys, entitlements, request));
    } catch (error) {
      answerError(response, error);
    }
  };
  const router = Router();
  router.get(`/${ENTITLEMENTS_PATH}`, answer);
  router.get(`/${ENTITLEMENTS_PATH}/:meter`, answer);
  return router;
}

/** `/v1/customers/{externalId}/entitlements[/{meter}]`, exactly as clients send it, with no query. */
const PLAIN_CHECK_PATH = /^\/v1\/customers\/([^/?]+)\/entitlements(?:\/([^/?]+))?$/;

/**
 * The server's request listener: answers a plain check (a GET of a check
 * path with no query, no body and no condition) itself, and hands every
 * other request to Express, unchanged. Express's dispatch (prototypes,
 * router, body parser) cost about half of a check's CPU; the answer is
 * written as Express writes it (its X-Powered-By setting, JSON type and
 * length, its ETag function), so a client cannot tell which one answered.
 */
export function checksBeforeExpress(
  apiKeys: ApiKeysService,
  entitlements: EntitlementsService,
  express: Express,
): RequestListener {
  const etagOf = express.get('etag fn') as ((body: Buffer) => string | undefined) | undefined;
  const poweredBy = express.enabled('x-powered-by');
  const send = (response: ServerResponse, status: number, body: object) => {
    const bytes = Buffer.from(JSON.stringify(body));
    response.statusCode = status;
    if (poweredBy) response.setHeader('X-Powered-By', 'Express');
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Length', bytes.length);
    const etag = etagOf?.(bytes);
    if (etag) response.setHeader('ETag', etag);
    response.end(bytes);
  };
  return (request, response) => {
    const params = plainCheckParams(request);
    if (params === null) return void express(request, response);
    const check = { headers: request.headers, method: 'GET', params, query: {}, body: undefined };
    answerCheck(apiKeys, entitlements, check).then(
      (body) => send(response, 200, body),
      (error: unknown) => send(response, ...errorAnswer(error)),
    );
  };
}

/** The path parameters of a plain check, or null for a request Express should answer. */
function plainCheckParams(request: IncomingMessage): Record<string, string> | null {
  const { method, headers, url } = request;
  if (method !== 'GET' || url === undefined) return null;
  // Express answers what a check's answer depends on beyond its path: a 304, a body to screen.
  if (headers['if-none-match'] !== undefined || headers['if-modified-since'] !== undefined)
    return null;
  if (headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0)
    return null;
  const match = PLAIN_CHECK_PATH.exec(url);
  if (match === null) return null;
  try {
    const externalId = decodeURIComponent(match[1]);
    return match[2] === undefined
      ? { externalId }
      : { externalId, meter: decodeURIComponent(match[2]) };
  } catch {
    return null; // a malformed escape: Express's router refuses it
  }
}

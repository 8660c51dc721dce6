/**
 * How the Salesforce adapter connects and behaves. A plain object so the
 * adapter does not depend on the config module: whoever builds it maps the
 * environment onto these fields.
 *
 * Authentication, first match wins:
 *   - `instanceUrl` + `accessToken`: a ready session (cannot be renewed);
 *   - `loginUrl` + `clientId` + `privateKey` + `username`: OAuth2 JWT bearer,
 *     the assertion's `aud` being `jwtAudience` (the login host);
 *   - `loginUrl` (the org's My Domain) + `clientId` + `clientSecret`: OAuth2
 *     client credentials, run as the connected app's "Run As" user.
 */
import { CallScheduler } from '../rate-limiter';

export interface SalesforceOptions {
  instanceUrl?: string;
  accessToken?: string;
  /** Where token requests go; My Domain for client credentials. */
  loginUrl?: string;
  /** The JWT assertion's `aud`; https://login.salesforce.com by default. */
  jwtAudience?: string;
  clientId?: string;
  clientSecret?: string;
  username?: string;
  /** PEM RSA key whose certificate is uploaded to the connected app. */
  privateKey?: string;
  /** REST/SOAP API version, e.g. '62.0'. */
  apiVersion: string;
  createMissingAccounts: boolean;
  /** StageName of new expansion opportunities. */
  opportunityStage: string;
  /** Per-request timeout; a request slower than this is a transient failure. */
  requestTimeoutMs?: number;
  /** Paces every HTTP request (API calls and logins); unpaced when absent. */
  limiter?: CallScheduler;
}

export const DEFAULT_OPPORTUNITY_STAGE = 'Prospecting';
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Used when a 429 carries no Retry-After header. */
export const DEFAULT_RETRY_AFTER_MS = 10_000;

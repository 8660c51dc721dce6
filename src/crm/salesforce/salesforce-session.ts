/**
 * Owns the jsforce Connection: builds it from the options, logs in (OAuth2
 * client credentials or JWT bearer), and runs calls through `call()`, which
 * logs in again once when Salesforce says the session expired and types every
 * failure for the port.
 *
 * jsforce must not install its own session refresh (it does when its OAuth2
 * client has a client id): that re-sends the request after every 401 without
 * a bound, so a token the org keeps rejecting would loop forever. The
 * credentials therefore travel in the token request parameters, and the one
 * retry here is bounded.
 */
import { Connection, OAuth2 } from 'jsforce';
import { CrmPermanentError } from '../crm-provider';
import { isInvalidSession, toCrmError } from './salesforce-errors';
import { signJwtAssertion } from './salesforce-jwt';
import { DEFAULT_REQUEST_TIMEOUT_MS, SalesforceOptions } from './salesforce-options';
import { SalesforceTransport } from './salesforce-transport';

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const DEFAULT_LOGIN_URL = 'https://login.salesforce.com';

type LoginParams = { grant_type: string; [param: string]: string };

export class SalesforceSession {
  private connection: Connection | null = null;
  private readonly transport: SalesforceTransport;

  constructor(private readonly options: SalesforceOptions) {
    this.transport = new SalesforceTransport(
      options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      options.limiter,
    );
  }

  /** Runs `operation` on a logged-in connection; failures come out as Crm*Error. */
  async call<T>(operation: (conn: Connection) => Promise<T>): Promise<T> {
    try {
      const conn = await this.connect();
      try {
        return await operation(conn);
      } catch (error) {
        if (!isInvalidSession(error) || !this.loginParams()) throw error;
        return await operation(await this.login());
      }
    } catch (error) {
      throw toCrmError(error);
    }
  }

  private async connect(): Promise<Connection> {
    if (this.connection) return this.connection;
    const { instanceUrl, accessToken } = this.options;
    if (instanceUrl && accessToken) {
      this.connection = this.newConnection({ instanceUrl, accessToken });
      return this.connection;
    }
    return this.login();
  }

  private async login(): Promise<Connection> {
    const params = this.loginParams();
    if (!params) {
      throw new CrmPermanentError(
        'Salesforce: no login credentials (client id with a secret or a private key)',
      );
    }
    const conn = this.newConnection({});
    await conn.authorize(params);
    this.connection = conn;
    return conn;
  }

  /** JWT bearer when a key is configured, else client credentials; null when neither is. */
  private loginParams(): LoginParams | null {
    const { clientId, clientSecret, privateKey, username } = this.options;
    if (!clientId) return null;
    if (privateKey && username) {
      const assertion = signJwtAssertion(
        { clientId, username, audience: this.options.jwtAudience ?? DEFAULT_LOGIN_URL },
        privateKey,
      );
      return { grant_type: JWT_BEARER_GRANT, assertion };
    }
    return clientSecret
      ? { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }
      : null;
  }

  private loginUrl(): string {
    return this.options.loginUrl ?? DEFAULT_LOGIN_URL;
  }

  private newConnection(session: { instanceUrl?: string; accessToken?: string }): Connection {
    const oauth2 = new OAuth2({ loginUrl: this.loginUrl() });
    oauth2._transport = this.transport;
    const conn = new Connection({ ...session, version: this.options.apiVersion, oauth2 });
    conn._transport = this.transport;
    return conn;
  }
}

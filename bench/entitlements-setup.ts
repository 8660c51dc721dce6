/**
 * What bench:entitlements and bench:entitlements-cpu share: a replica of the
 * service in a child process, a client of its API, and the catalog and
 * customers they check.
 */
import { ChildProcess, fork } from 'node:child_process';
import { BENCH_ADMIN_KEY } from './harness';

export interface Replica {
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/** A replica of the service in a child process, started by `server` (a build's dist/bench/entitlements-server.js). */
export async function startReplica(
  server: string,
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<Replica> {
  const child: ChildProcess = fork(server, [], {
    env: { ...process.env, DATABASE_URL: databaseUrl, ...env },
  });
  const baseUrl = await new Promise<string>((resolveUrl, reject) => {
    child.once('message', (message) => resolveUrl((message as { baseUrl: string }).baseUrl));
    child.once('exit', (code) => reject(new Error(`replica exited with ${code}`)));
  });
  return {
    baseUrl,
    pid: child.pid as number,
    stop: () =>
      new Promise((done) => {
        child.once('exit', () => done());
        child.send('stop');
      }),
  };
}

export type Api = (method: string, path: string, body?: object) => Promise<unknown>;

export function apiOf(baseUrl: string, key = BENCH_ADMIN_KEY): Api {
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: body && JSON.stringify(body),
    });
    if (response.status >= 300) {
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    }
    return response.json();
  };
}

/** A metered plan, every customer subscribed from the month's start, and a key of scope `check`. */
export async function setUp(
  api: Api,
  now: Date,
  customerCount: number,
): Promise<{ customers: string[]; checkKey: string }> {
  await api('POST', '/v1/meters', { key: 'tokens', name: 'Tokens', aggregation: 'sum' });
  await api('POST', '/v1/billable-items', {
    key: 'tokens_item',
    name: 'Tokens',
    kind: 'metered',
    meter: 'tokens',
  });
  await api('POST', '/v1/plans', { key: 'metered', name: 'Metered', currency: 'USD' });
  await api('POST', '/v1/plans/metered/versions', {
    rates: [{ billableItem: 'tokens_item', rate: { model: 'per_unit', unitAmount: '0.00001' } }],
  });
  const startDate = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
  const customers: string[] = [];
  for (let n = 0; n < customerCount; n++) {
    const externalId = `customer-${n}`;
    await api('POST', '/v1/customers', { externalId, name: externalId });
    await api('POST', '/v1/subscriptions', {
      customerExternalId: externalId,
      plan: 'metered',
      startDate,
    });
    customers.push(externalId);
  }
  const { key } = (await api('POST', '/v1/api-keys', { name: 'product', scope: 'check' })) as {
    key: string;
  };
  return { customers, checkKey: key };
}

/** The plan's hourly quota on tokens (null: none). */
export function setQuotas(api: Api, hourlyQuota: string | null): Promise<unknown> {
  return api('PUT', '/v1/plans/metered/versions/1/quotas', {
    quotas: hourlyQuota ? [{ meter: 'tokens', window: 'hour', quantity: hourlyQuota }] : [],
  });
}

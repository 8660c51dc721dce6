/**
 * The machine's floor for bench:entitlements: a bare Node HTTP server, in its
 * own process like a replica, that answers every GET with a body the size of a
 * check's, after one round trip to the same PostgreSQL (a prepared one-row
 * statement on a pool), or with FLOOR_DATABASE=none from memory alone. No
 * framework, no auth, no quota logic: the latency it shows under the
 * benchmark's load is the least a Node service could show on this machine,
 * checking against the database or answering from its own memory.
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Pool } from 'pg';

/** A check's answer, as the service writes it, for one hourly quota. */
function answer(customer: string, at: Date): string {
  return JSON.stringify({
    customerExternalId: customer,
    meter: 'tokens',
    allowed: true,
    quotas: [
      {
        window: 'hour',
        alignment: 'calendar',
        kind: 'hard',
        quantity: '1000000000',
        used: '0',
        remaining: '1000000000',
        resetsAt: at.toISOString(),
        exceeded: false,
      },
    ],
    credit: null,
  });
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl || !process.send) throw new Error('start me with fork() and DATABASE_URL');
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const now =
    process.env.FLOOR_DATABASE === 'none'
      ? async () => new Date()
      : async (customer: string) => {
          const { rows } = await pool.query<{ at: Date }>({
            name: 'floor',
            text: 'SELECT $1::text AS customer, now() AS at',
            values: [customer],
          });
          return rows[0].at;
        };
  const server = createServer((request, response) => {
    const customer = request.url?.split('/')[3] ?? '';
    now(customer)
      .then((at) => {
        const body = answer(customer, at);
        response.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        });
        response.end(body);
      })
      .catch((error: Error) => {
        response.writeHead(500).end(error.message);
      });
  });
  server.keepAliveTimeout = 10 * 60_000;
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  process.on('message', () => {
    server.close();
    void pool.end().then(() => process.exit(0));
  });
  process.send({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

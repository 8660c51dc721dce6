import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { CallScheduler } from '../rate-limiter';
import { retryAfterMs, SalesforceTransport } from './salesforce-transport';
import { DEFAULT_RETRY_AFTER_MS } from './salesforce-options';

describe('Retry-After', () => {
  const now = Date.parse('2026-03-02T10:00:00Z');

  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('7', now)).toBe(7_000);
    expect(retryAfterMs('Mon, 02 Mar 2026 10:00:30 GMT', now)).toBe(30_000);
  });

  it('falls back to the default when absent or unreadable', () => {
    expect(retryAfterMs(undefined, now)).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(retryAfterMs('soon', now)).toBe(DEFAULT_RETRY_AFTER_MS);
  });
});

describe('SalesforceTransport pacing', () => {
  let server: Server;
  let url: string;
  let received = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      received += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('sends a request only when the limiter grants it a slot', async () => {
    const granted: Array<() => void> = [];
    const held: CallScheduler = {
      schedule: (call) => new Promise<void>((resolve) => granted.push(resolve)).then(() => call()),
    };
    const transport = new SalesforceTransport(1_000, held);
    const response = transport.httpRequest({ method: 'GET', url });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toBe(0);
    granted.forEach((grant) => grant());
    expect((await response).statusCode).toBe(200);
    expect(received).toBe(1);
  });
});

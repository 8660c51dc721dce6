/**
 * The check load of bench:entitlements, in its own process so it shares no
 * event loop with the ingestion load: sends GET …/entitlements/{meter} paced
 * to a rate (open loop, at most `concurrency` in flight) over keep-alive
 * sockets, and answers its parent with the latencies, send to full response:
 * those of the first `rampUpSeconds` (new sockets, a replica's caches and
 * pool filling after a pause) apart from the steady state's.
 */
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface CheckLoad {
  baseUrl: string;
  customers: string[];
  key: string;
  checksPerSecond: number;
  concurrency: number;
  /** Sent before the steady state and reported apart. */
  rampUpSeconds: number;
  seconds: number;
}

export interface CheckLoadResult {
  rampUpLatenciesMs: number[];
  /** Of the steady state, as elapsedMs and skippedAtConcurrencyLimit. */
  latenciesMs: number[];
  elapsedMs: number;
  skippedAtConcurrencyLimit: number;
  failures: string[];
}

/** Paces by 5 ms ticks: a timer per check would drift at 1 000/s. */
const TICK_MS = 5;

async function run(load: CheckLoad): Promise<CheckLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: load.concurrency });
  const url = new URL(load.baseUrl);
  const rampUpLatenciesMs: number[] = [];
  const latenciesMs: number[] = [];
  const failures: string[] = [];
  let skipped = 0;
  let inFlight = 0;
  const check = (customer: string, latencies: number[]) =>
    new Promise<void>((done) => {
      const sent = process.hrtime.bigint();
      const finish = (failure?: string) => {
        if (failure) failures.push(failure);
        else latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
        inFlight -= 1;
        done();
      };
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: `/v1/customers/${customer}/entitlements/tokens`,
          headers: { authorization: `Bearer ${load.key}` },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const body = Buffer.concat(chunks).toString();
            const ok = response.statusCode === 200 && body.includes('"allowed":true');
            finish(ok ? undefined : `${response.statusCode} ${body.slice(0, 200)}`);
          });
        },
      );
      req.on('error', (error) => finish(error.message));
      req.end();
    });

  const pending: Array<Promise<void>> = [];
  const started = Date.now();
  const rampUp = load.checksPerSecond * load.rampUpSeconds;
  const total = rampUp + load.checksPerSecond * load.seconds;
  for (let sent = 0; sent < total;) {
    const due = Math.min(total, Math.floor(((Date.now() - started) * load.checksPerSecond) / 1000));
    for (; sent < due; sent++) {
      if (inFlight >= load.concurrency) {
        if (sent >= rampUp) skipped += 1;
        continue;
      }
      inFlight += 1;
      const customer = load.customers[Math.floor(Math.random() * load.customers.length)];
      pending.push(check(customer, sent < rampUp ? rampUpLatenciesMs : latenciesMs));
    }
    await sleep(TICK_MS);
  }
  await Promise.all(pending);
  agent.destroy();
  return {
    rampUpLatenciesMs,
    latenciesMs,
    elapsedMs: Date.now() - started - load.rampUpSeconds * 1000,
    skippedAtConcurrencyLimit: skipped,
    failures: failures.slice(0, 5),
  };
}

if (!process.send) throw new Error('start me with fork()');
process.on('message', (load: CheckLoad) => {
  void run(load).then((result) => {
    process.send?.(result);
  });
});

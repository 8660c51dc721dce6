/**
 * Does a wrong usage page token answer in a time that tells anything? The
 * page looks a token up by its SHA-256 digest (one index probe whatever the
 * guess), so a guess sharing a prefix with a real token, a random one and a
 * rotated (once valid) one should all answer 404 alike. Measured in one run,
 * interleaved in a fresh random order every round so drift in the machine's
 * load falls on every kind alike:
 *
 *   - over HTTP, GET /usage/{token} through the whole service (rate limit
 *     counter, lookup, 404 page); the valid token's 200 page is there for
 *     scale only: it renders the customer's page, so it is slower by design;
 *   - the lookup alone (UsagePageLinksRepository.customerOf), where the valid
 *     token takes the same path as the wrong ones.
 *
 * For each wrong kind against the random guess: the difference of medians and
 * of p99, and A12 (Vargha–Delaney: the chance a sample of one kind is slower
 * than one of the other; 0.5 means no order).
 *
 *   npm run bench:usage-page        (BENCH_SAMPLES per kind, default 2000; BENCH_WARMUP rounds, default 200)
 *
 * Starts its own PostgreSQL and the app; writes bench/results/usage-page.json.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { UsagePageLinksRepository } from '../src/usage-links/usage-page-links.repository';
import {
  BENCH_ADMIN_KEY,
  currentLoad,
  machine,
  median,
  percentile,
  round,
  runBench,
  startBenchApp,
  writeResult,
} from './harness';
import { startPostgres } from './postgres';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 2000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 200);
const CUSTOMER = 'bench-usage-page';

const KINDS = ['valid', 'wrongRandom', 'wrongNearMiss', 'rotated'] as const;
type Kind = (typeof KINDS)[number];
type Samples = Record<Kind, number[]>;

/** The tokens of each kind, with the status the page must answer. */
interface Tokens {
  token: Record<Kind, string>;
  status: Record<Kind, number>;
}

async function tokensOf(baseUrl: string): Promise<Tokens> {
  const admin = (method: string, path: string) =>
    fetch(`${baseUrl}/v1/customers/${CUSTOMER}/usage-page${path}`, {
      method,
      headers: { Authorization: `Bearer ${BENCH_ADMIN_KEY}` },
    }).then(async (response) => {
      if (!response.ok) throw new Error(`${method} usage-page${path}: ${response.status}`);
      const { url } = (await response.json()) as { url: string };
      return url.split('/').pop()!;
    });
  const rotated = await admin('GET', '');
  const valid = await admin('POST', '/rotate');
  // The valid token with its last character changed: 42 of 43 characters right.
  const nearMiss = `${valid.slice(0, -1)}${valid.endsWith('A') ? 'B' : 'A'}`;
  return {
    token: {
      valid,
      wrongRandom: randomBytes(32).toString('base64url'),
      wrongNearMiss: nearMiss,
      rotated,
    },
    status: { valid: 200, wrongRandom: 404, wrongNearMiss: 404, rotated: 404 },
  };
}

/** Fisher–Yates: each round asks the kinds in a new order. */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** WARMUP rounds discarded, then SAMPLES rounds of every kind in a shuffled order; milliseconds. */
async function interleaved(measure: (kind: Kind) => Promise<number>): Promise<Samples> {
  const samples: Samples = { valid: [], wrongRandom: [], wrongNearMiss: [], rotated: [] };
  for (let round = 0; round < WARMUP + SAMPLES; round++) {
    for (const kind of shuffled(KINDS)) {
      const ms = await measure(kind);
      if (round >= WARMUP) samples[kind].push(ms);
    }
  }
  return samples;
}

/** A12: P(a > b) + ½ P(a = b), from the rank sum of `a` in both samples together. */
function a12(a: number[], b: number[]): number {
  const all = [...a.map((v) => ({ v, a: true })), ...b.map((v) => ({ v, a: false }))].sort(
    (x, y) => x.v - y.v,
  );
  let rankSumA = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j].v === all[i].v) j++;
    const averageRank = (i + 1 + j) / 2; // ties share the mean of their ranks
    for (let k = i; k < j; k++) if (all[k].a) rankSumA += averageRank;
    i = j;
  }
  return (rankSumA - (a.length * (a.length + 1)) / 2) / (a.length * b.length);
}

function summary(values: number[]) {
  return {
    samples: values.length,
    medianMs: round(median(values), 4),
    p90Ms: round(percentile(values, 90) ?? 0, 4),
    p99Ms: round(percentile(values, 99) ?? 0, 4),
    meanMs: round(values.reduce((sum, v) => sum + v, 0) / values.length, 4),
  };
}

/** Each wrong kind against the random guess, the baseline a guesser cannot beat. */
function comparisons(samples: Samples) {
  const base = samples.wrongRandom;
  return Object.fromEntries(
    (['wrongNearMiss', 'rotated', 'valid'] as const).map((kind) => [
      `${kind}VsWrongRandom`,
      {
        medianDifferenceMs: round(median(samples[kind]) - median(base), 4),
        p99DifferenceMs: round(
          (percentile(samples[kind], 99) ?? 0) - (percentile(base, 99) ?? 0),
          4,
        ),
        a12: round(a12(samples[kind], base), 3),
      },
    ]),
  );
}

const report = (samples: Samples) => ({
  byKind: Object.fromEntries(KINDS.map((kind) => [kind, summary(samples[kind])])),
  comparisons: comparisons(samples),
});

async function main(): Promise<void> {
  const loadAtStart = currentLoad();
  const postgres = await startPostgres();
  // The limit is not what is measured: high enough never to answer 429.
  const { app, baseUrl } = await startBenchApp(postgres.url, {
    USAGE_PAGE_RATE_LIMIT: '1000000000/1m',
  });
  const db = new Client({ connectionString: postgres.url });
  await db.connect();
  try {
    await db.query(`INSERT INTO customers (external_id, name, currency) VALUES ($1, $2, 'USD')`, [
      CUSTOMER,
      'Bench usage page',
    ]);
    const { token, status } = await tokensOf(baseUrl);

    const http = await interleaved(async (kind) => {
      const started = performance.now();
      const response = await fetch(`${baseUrl}/usage/${token[kind]}`);
      await response.arrayBuffer();
      const ms = performance.now() - started;
      if (response.status !== status[kind])
        throw new Error(`${kind}: ${response.status}, expected ${status[kind]}`);
      return ms;
    });
    const links = app.get(UsagePageLinksRepository, { strict: false });
    const lookup = await interleaved(async (kind) => {
      const started = performance.now();
      const customerId = await links.customerOf(token[kind]);
      const ms = performance.now() - started;
      if ((customerId !== null) !== (kind === 'valid'))
        throw new Error(`${kind}: lookup gave ${customerId}`);
      return ms;
    });

    writeResult('usage-page', {
      benchmark: 'usage-page',
      machine: machine(loadAtStart),
      setup: {
        samplesPerKind: SAMPLES,
        warmupRounds: WARMUP,
        kinds: {
          valid: 'the current token (HTTP: 200, the page rendered; for scale only)',
          wrongRandom: '32 random bytes, base64url, like a real token',
          wrongNearMiss: 'the valid token with its last character changed',
          rotated: 'the token the customer had before POST …/usage-page/rotate',
        },
        order: 'every round asks each kind once, in a new random order; one client, sequential',
        a12: 'P(kind slower than wrongRandom) + ½ P(equal); 0.5 = no order, 0.56 / 0.64 / 0.71 = small / medium / large effect',
      },
      http: report(http),
      lookup: report(lookup),
      measuredAt: new Date().toISOString(),
    });
  } finally {
    await db.end();
    await app.close();
    await postgres.stop();
  }
}

runBench(main);

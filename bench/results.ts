import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The bootstrap admin key every benchmark's app is started with. */
export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789';

/** Writes bench/results/<name>.json (from the compiled dist/bench/) and echoes it. */
export function writeResult(name: string, result: object): void {
  const out = resolve(__dirname, `../../bench/results/${name}.json`);
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
}

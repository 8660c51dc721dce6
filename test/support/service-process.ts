/**
 * The service as operators run it: a separate Node process (src/main.ts,
 * compiled once by service-build.ts), on a port the system picks, against a
 * database the test names. For tests of replicas, crashes and shutdowns.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { serviceBuild } from './service-build';
import { ADMIN_KEY } from './test-app';

const ROOT = join(__dirname, '..', '..');
const READY_TIMEOUT_MS = 90_000;

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote, stdout and stderr. */
  output(): string;
  /** An admin request; the body is JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the JSON of whichever route was called
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Resolves with the exit code, or the signal that ended the process. */
  exited: Promise<number | NodeJS.Signals>;
}

export async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [join(serviceBuild(), 'src', 'main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: '0', ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'log', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(
    ([code, signal]) => (signal as NodeJS.Signals | null) ?? (code as number),
  );

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the service did not start in time:\n${output}`));
    }, READY_TIMEOUT_MS);
    const look = () => {
      const match = /listening on port (\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      resolve(Number(match[1]));
    };
    child.stdout!.on('data', look);
    void exited.then((end) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${end}) before listening:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    output: () => output,
    exited,
    call: async (method, path, body) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
  };
}

/** Ends a process the test started, if it still runs, and waits for it. */
export async function stopService(service: ServiceProcess | undefined): Promise<void> {
  if (!service || service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGKILL');
  await service.exited;
}

/** Polls `condition` until it holds; fails after `timeoutMs`. */
export async function waitFor(
  condition: () => Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

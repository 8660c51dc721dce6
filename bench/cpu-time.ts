import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks of 10 ms (USER_HZ = 100). */
const TICK_MS = 10;

function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process ended between listing and reading
  }
}

/**
 * [ppid, CPU milliseconds (user + system), CPU milliseconds of its children
 * that ended] of a process, from /proc/<pid>/stat.
 */
function statOf(pid: number): [number, number, number] | null {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // Fields after "(comm)": state ppid … utime (14th field overall) stime (15th) cutime cstime.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [
    Number(fields[1]),
    (Number(fields[11]) + Number(fields[12])) * TICK_MS,
    (Number(fields[13]) + Number(fields[14])) * TICK_MS,
  ];
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/**
 * CPU time used so far by one PostgreSQL server (its postmaster, found by its
 * port, and every child: backends, WAL writer, checkpointer, autovacuum), so
 * the benchmark can tell the database's cost from the app's even when other
 * work shares the machine. A backend that exited (a pool closing an idle
 * connection) counts through its postmaster, which reaped it.
 */
export function postgresCpuMs(port: number): number {
  const all = pids();
  const postmaster = all.find((pid) => {
    const args = readProc(`/proc/${pid}/cmdline`)?.split('\0') ?? [];
    return args[0]?.endsWith('/postgres') && args[args.indexOf('-p') + 1] === String(port);
  });
  if (postmaster === undefined) throw new Error(`no PostgreSQL server on port ${port}`);
  let total = 0;
  for (const pid of all) {
    const stat = statOf(pid);
    if (stat && (pid === postmaster || stat[0] === postmaster)) total += stat[1];
    if (stat && pid === postmaster) total += stat[2];
  }
  return total;
}

/** CPU time used so far by another process (a replica in a child process). */
export function processCpuMs(pid: number): number {
  const stat = statOf(pid);
  if (stat === null) throw new Error(`no process ${pid}`);
  return stat[1];
}

/** CPU time of this process (the app and the bench clients). */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

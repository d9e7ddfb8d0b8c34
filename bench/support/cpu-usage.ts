import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user and system) a process has used so far, from /proc (Linux); with `endedChildren`, also what it has
 * counted of its children that ended (`cutime`, `cstime`).
 */
export function processCpuSeconds(pid: number, endedChildren = false): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const children = endedChildren ? Number(fields[13]) + Number(fields[14]) : 0;
  return (Number(fields[11]) + Number(fields[12]) + children) / TICKS_PER_SECOND;
}

/**
 * Seconds a process's main thread has spent so far runnable but not running, waiting for a core (the scheduler's
 * run-queue wait, from /proc/<pid>/schedstat); NaN where the kernel does not keep it.
 */
export function mainThreadWaitingSeconds(pid: number): number {
  try {
    const [, waitingNs] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ');
    return Number(waitingNs) / 1e9;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds the processes named `name` have used so far, with what each has counted of its children that ended
 * (`cutime`, `cstime`): a PostgreSQL backend that exits moves its time into the server's, so the sum runs on.
 */
export function namedProcessesCpuSeconds(name: string): number {
  let seconds = 0;
  for (const pid of processesNamed(name)) {
    try {
      seconds += processCpuSeconds(pid, true);
    } catch {
      // exited meanwhile: its time is now its parent's
    }
  }
  return seconds;
}

/** The processes of this machine whose command is `name` (e.g. `postgres`: the server and its backends). */
export function processesNamed(name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** CPU seconds a set of processes used so far; one that is gone counts nothing. */
function cpuSecondsOf(pids: readonly number[]): Map<number, number> {
  const seconds = new Map<number, number>();
  for (const pid of pids) {
    try {
      seconds.set(pid, processCpuSeconds(pid));
    } catch {
      // exited meanwhile
    }
  }
  return seconds;
}

/** Busy and total CPU time of the whole machine so far, in ticks, from /proc/stat (Linux). */
export function machineCpuTicks(): { busy: number; total: number } {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  const idle = ticks[3]! + ticks[4]!;
  return { busy: total - idle, total };
}

export interface CpuUsed<T> {
  result: T;
  /** CPU seconds of each group of processes while the work ran. */
  seconds: Record<string, number>;
  /** How busy the whole machine was (every core), 0 to 1. */
  machineBusy: number;
}

/**
 * Measures the CPU that groups of processes, and the whole machine, use while `work` runs. A group is named by a
 * function that lists its processes, asked before and after, so processes started meanwhile count too.
 */
export async function measuringCpu<T>(
  groups: Record<string, () => number[]>,
  work: () => Promise<T>,
): Promise<CpuUsed<T>> {
  const before = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, cpuSecondsOf(pids())]));
  const machineBefore = machineCpuTicks();
  const result = await work();
  const machineAfter = machineCpuTicks();
  const seconds = Object.fromEntries(
    Object.entries(groups).map(([name, pids]) => {
      const after = cpuSecondsOf(pids());
      return [name, [...after].reduce((sum, [pid, used]) => sum + used - (before[name]!.get(pid) ?? 0), 0)];
    }),
  );
  return {
    result,
    seconds,
    machineBusy: (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
  };
}

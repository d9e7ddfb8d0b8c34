import { cpus, loadavg } from 'node:os';

/** The load averages at the end of a run: on a shared machine they say how much else ran beside it. */
export function loadAverage(): string {
  const [one, five, fifteen] = loadavg().map((v) => v.toFixed(1));
  return `Load average at the end of the run (1, 5, 15 min, ${cpus().length} cores): ${one}, ${five}, ${fifteen}.`;
}

/**
 * BENCH_CPU_PROF_DIR=dir: the node options that make a process the bench starts write a CPU profile there when it
 * stops (`node --cpu-prof`); none when the variable is not set.
 */
export function cpuProfileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  return dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
}

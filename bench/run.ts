import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalKafkaBroker } from '../test/support/local-kafka-broker.js';
import { machineLine, REPORT_NAME, SUMMARY_MARK, type SummaryRow } from './support/performance-report.js';

interface Benchmark {
  name: string;
  script: string;
  /** The section of docs/performance.md it rewrites. */
  section: string;
  needsKafka: boolean;
  /** Set for this benchmark's process only. */
  env?: Record<string, string>;
}

/**
 * Every benchmark, in the order `npm run bench` runs them. Each is a program of its own (`npm run bench:<name>`
 * runs one alone); a new one (the PostgreSQL start benchmark) is one more entry here and one more script.
 */
const BENCHMARKS: readonly Benchmark[] = [
  { name: 'http', script: 'http-start.js', section: 'HTTP start path vs bare Koa', needsKafka: false },
  {
    name: 'http-traced',
    script: 'http-start.js',
    section: 'HTTP start path vs bare Koa, every request traced',
    needsKafka: false,
    env: { BENCH_TRACING: 'on' },
  },
  { name: 'relay', script: 'relay.js', section: 'Relay', needsKafka: true },
  { name: 'e2e', script: 'end-to-end.js', section: 'End to end: HTTP 200 to consumer', needsKafka: true },
  { name: 'growth', script: 'growth.js', section: 'Growth', needsKafka: false },
  { name: 'postgres', script: 'postgres-scale.js', section: 'Scale-out on PostgreSQL', needsKafka: false },
  { name: 'list', script: 'list-depth.js', section: 'Listing: total and deep pages', needsKafka: false },
  { name: 'soak', script: 'soak.js', section: 'Soak: flat over time', needsKafka: true },
];

const here = dirname(fileURLToPath(import.meta.url));

/** `npm run bench [-- name ...]`: runs the named benchmarks (all by default), then prints one table of them all. */
async function main(): Promise<void> {
  const selected = select(process.argv.slice(2));
  const broker = selected.some((b) => b.needsKafka) && !process.env.KAFKA_BROKERS ? await launchBroker() : undefined;
  const brokers = process.env.KAFKA_BROKERS || broker?.brokers;
  const rows: SummaryRow[] = [];
  const failed: string[] = [];
  try {
    for (const benchmark of selected) {
      process.stdout.write(`\n=== ${benchmark.name}: ${benchmark.section} (node dist/bench/${benchmark.script})\n`);
      // Only the benchmarks that use a broker see one: a service with KAFKA_BROKERS would also run its relay.
      const env = { ...process.env, ...benchmark.env, KAFKA_BROKERS: benchmark.needsKafka ? brokers : '' };
      const outcome = await runBenchmark(benchmark, env);
      rows.push(...outcome.rows);
      if (outcome.code !== 0) failed.push(`${benchmark.name} (exit ${outcome.code})`);
    }
  } finally {
    await broker?.remove();
  }
  process.stdout.write(`\n${table(rows)}\n\n${machineLine()}\n`);
  if (rows.length > 0)
    process.stdout.write(`Sections rewritten in ${REPORT_NAME}: ${selected.map((b) => `"${b.section}"`).join(', ')}\n`);
  if (failed.length > 0) {
    process.stderr.write(`failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

function select(names: string[]): Benchmark[] {
  if (names.length === 0) return [...BENCHMARKS];
  const unknown = names.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown benchmark ${unknown.join(', ')}; choose from ${BENCHMARKS.map((b) => b.name).join(', ')}\n`,
    );
    process.exit(2);
  }
  return BENCHMARKS.filter((b) => names.includes(b.name));
}

/** One broker for every benchmark that needs one, on free ports and a data directory of its own. */
async function launchBroker(): Promise<LocalKafkaBroker> {
  process.stdout.write('KAFKA_BROKERS is not set: starting a local broker (scripts/kafka.sh)\n');
  const broker = await LocalKafkaBroker.launch();
  process.once('exit', () => LocalKafkaBroker.stopAllNow());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      LocalKafkaBroker.stopAllNow();
      process.exit(130);
    });
  }
  return broker;
}

/** Runs one benchmark in a process of its own, passing its output through and keeping its summary lines. */
function runBenchmark(benchmark: Benchmark, env: NodeJS.ProcessEnv): Promise<{ code: number; rows: SummaryRow[] }> {
  const child = spawn(process.execPath, [resolve(here, benchmark.script)], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const rows: SummaryRow[] = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith(SUMMARY_MARK)) rows.push(JSON.parse(line.slice(SUMMARY_MARK.length)) as SummaryRow);
      else process.stdout.write(`${line}\n`);
    }
  });
  return new Promise((resolveRun) => child.once('close', (code) => resolveRun({ code: code ?? 1, rows })));
}

function table(rows: SummaryRow[]): string {
  const header = ['benchmark', 'project', 'baseline', 'ratio', 'target', 'verdict'];
  const cells = rows.map((r) => [r.benchmark, r.project, r.baseline, r.ratio, r.target, r.verdict]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

await main();

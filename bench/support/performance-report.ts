import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** docs/performance.md, or BENCH_REPORT (a quick run that should not replace the recorded figures). */
const REPORT =
  process.env.BENCH_REPORT || resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs/performance.md');

/** Where the sections go, as a run names it to its reader. */
export const REPORT_NAME = process.env.BENCH_REPORT || 'docs/performance.md';

const HEADER = `# Performance

Figures written by \`npm run bench\`: it builds, runs every benchmark one after the other (each in a process of its
own; a local Kafka broker is started for those that need one unless \`KAFKA_BROKERS\` is set), prints one table of
them all and rewrites each benchmark's section below, leaving the others as they are. \`npm run bench -- e2e growth\`
runs some of them (http, http-traced, relay, e2e, growth, postgres, list, soak); \`npm run bench:http\`, \`bench:relay\`, \`bench:e2e\`,
\`bench:growth\`, \`bench:postgres\`, \`bench:list\` and \`bench:soak\` run one alone (\`BENCH_TRACING=on npm run bench:http\` is http-traced: every request
sampled and its spans exported over OTLP/HTTP). Each section names the variables that make a run shorter;
\`BENCH_REPORT=/tmp/quick.md\` sends a quick run's sections to another file. Every benchmark runs the project and
its baseline side by side in one run on the same machine; the machine is shared and noisy, so read the ratios and
medians, not single numbers.
`;

export function machineLine(): string {
  return `Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), Node.js ${process.version}, ${new Date().toISOString().slice(0, 10)}.`;
}

/** Replaces the section under `## title` in docs/performance.md (or adds it), keeping the other sections. */
export function writeSection(title: string, body: string): void {
  const current = existsSync(REPORT) ? readFileSync(REPORT, 'utf8') : HEADER;
  const heading = `## ${title}`;
  const section = `${heading}\n\n${body.trim()}\n`;
  const start = current.indexOf(`${heading}\n`);
  if (start === -1) {
    writeFileSync(REPORT, `${current.trimEnd()}\n\n${section}`);
    return;
  }
  const next = current.indexOf('\n## ', start + heading.length);
  const end = next === -1 ? current.length : next + 1;
  writeFileSync(
    REPORT,
    `${`${current.slice(0, start)}${section}${next === -1 ? '' : '\n'}${current.slice(end)}`.trimEnd()}\n`,
  );
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One line of the table `npm run bench` prints at the end. */
export interface SummaryRow {
  benchmark: string;
  project: string;
  baseline: string;
  ratio: string;
  target: string;
  verdict: 'met' | 'missed' | 'reported';
}

/** Marks the lines a benchmark prints for the `npm run bench` table (bench/run.ts reads them from its output). */
export const SUMMARY_MARK = '@bench-summary ';

export function printSummary(...rows: SummaryRow[]): void {
  for (const row of rows) process.stdout.write(`${SUMMARY_MARK}${JSON.stringify(row)}\n`);
}

/** The value at quantile q (0..1) of some samples, nearest rank. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

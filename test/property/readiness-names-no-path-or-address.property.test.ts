import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import type { Knex } from 'knex';
import pino from 'pino';
import { createOperationsApp } from '../../src/adapters/http/operations-app.js';
import type { OperationsEndpoints } from '../../src/adapters/http/operations-routes.js';
import { ReadinessCheck } from '../../src/adapters/observability/readiness-check.js';
import { RelayStatusTracker } from '../../src/adapters/observability/relay-status-tracker.js';
import { ServiceMetrics } from '../../src/adapters/observability/service-metrics.js';
import { DatabaseOutages } from '../../src/adapters/persistence/database-outages.js';
import { KnexDatabaseProbe } from '../../src/adapters/persistence/knex/knex-database-probe.js';
import { rememberOpenedFile } from '../../src/adapters/persistence/sqlite/opened-file.js';
import { watchWriteAheadLog } from '../../src/adapters/persistence/sqlite/write-ahead-log.js';
import { silentRelayLog } from '../fakes/silent-relay-log.js';
import { expect } from '../support/expect.js';
import { propertyParameters } from '../support/property-runs.js';

const RUNS = 120;

const label = fc.stringMatching(/^[a-z][a-z0-9]{5,11}$/);

/** A host as settings and errors name one: an IPv4 or IPv6 address, or a name on the internal network. */
const host = fc.oneof(
  fc.ipV4(),
  fc.ipV6().filter((ip) => /[0-9a-f]/.test(ip)),
  fc.tuple(label, label).map(([name, zone]) => `${name}.${zone}.internal`),
);
const port = fc.integer({ min: 1, max: 65_535 });
const databaseUrl = fc
  .tuple(label, label, host, port, label)
  .map(
    ([user, password, at, p, database]) =>
      `postgres://${user}:${password}@${at.includes(':') ? `[${at}]` : at}:${p}/${database}`,
  );
/** A file's path, absolute or not, on POSIX or Windows. */
const path = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 4 }).map((dirs) => `/${dirs.join('/')}/campaigns.sqlite`),
  fc.array(label, { minLength: 1, maxLength: 3 }).map((dirs) => `./${dirs.join('/')}/campaigns.sqlite-wal`),
  fc.array(label, { minLength: 1, maxLength: 3 }).map((dirs) => `C:\\${dirs.join('\\')}\\campaigns.sqlite`),
);

type Secret = { kind: 'host'; value: string } | { kind: 'url'; value: string } | { kind: 'path'; value: string };

const secret: fc.Arbitrary<Secret> = fc.oneof(
  host.map((value) => ({ kind: 'host' as const, value })),
  databaseUrl.map((value) => ({ kind: 'url' as const, value })),
  path.map((value) => ({ kind: 'path' as const, value })),
);

/** A message as drivers, Node and the service's own wrappers write one, naming what it is about. */
function messageAbout(s: Secret, form: number): string {
  if (s.kind === 'host')
    return [
      `connect ECONNREFUSED ${s.value}:5432`,
      `getaddrinfo ENOTFOUND ${s.value}`,
      `insert into "campaigns" ("id") values ($1) - read ETIMEDOUT ${s.value}`,
    ][form % 3]!;
  if (s.kind === 'url')
    return [
      `connection to ${s.value} failed: Connection terminated unexpectedly`,
      `password authentication failed for ${s.value}`,
      s.value,
    ][form % 3]!;
  return [
    `ENOENT: no such file or directory, stat '${s.value}'`,
    `unable to open database: ${s.value}`,
    `EACCES: permission denied, open '${s.value}'`,
  ][form % 3]!;
}

/** Error codes as drivers give them, some of which say the database could not take the work. */
const unavailableCode = fc.constantFrom(
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'SQLITE_BUSY',
  'SQLITE_FULL',
  'SQLITE_IOERR_WRITE',
  'SQLITE_READONLY',
  'SQLITE_CANTOPEN',
  '25006',
  '57P01',
  '08006',
  '53300',
);
const anyCode = fc.option(fc.oneof(unavailableCode, fc.constantFrom('EACCES', 'ENOENT', 'SQLITE_ERROR', '42P01')), {
  nil: undefined,
});

interface Link {
  name: string;
  code: string | undefined;
  about: Secret;
  form: number;
  /** Gathered by an error that has no cause, as an AggregateError gathers, rather than its cause. */
  gathered: boolean;
}

const link = (code: fc.Arbitrary<string | undefined>) =>
  fc.record({
    name: fc.constantFrom('Error', 'SqliteError', 'DatabaseError', 'KnexTimeoutError', 'AggregateError', 'error'),
    code,
    about: secret,
    form: fc.nat(2),
    gathered: fc.boolean(),
  });

/**
 * An error and its causes, outermost first: the outermost says the database could not take the work (so that an
 * outage begins), and the text a library may throw in place of an Error may end the chain.
 */
const chain = fc
  .tuple(link(unavailableCode), fc.array(link(anyCode), { maxLength: 3 }), fc.option(secret, { nil: undefined }))
  .map(([outermost, inner, thrownText]) => ({ links: [outermost, ...inner], thrownText }));

type Chain = { links: Link[]; thrownText: Secret | undefined };

function errorOf({ links, thrownText }: Chain): Error {
  let cause: unknown;
  for (const { name, code, about, form, gathered } of [...links].reverse()) {
    const message = messageAbout(about, form);
    const error =
      gathered && cause !== undefined ? new AggregateError([cause], message) : new Error(message, { cause });
    error.name = name;
    if (code !== undefined) Object.assign(error, { code });
    cause = error;
  }
  // A library that throws text, not an Error, at the end of the chain.
  const innermost = (cause as Error) ?? new Error('unreachable');
  let last: Error = innermost;
  while (last.cause instanceof Error) last = last.cause;
  if (thrownText !== undefined && !(last instanceof AggregateError)) {
    (last as { cause?: unknown }).cause = messageAbout(thrownText, 0);
  }
  return innermost;
}

function secretsOf({ links, thrownText }: Chain): string[] {
  return [...links.map((l) => l.about), ...(thrownText === undefined ? [] : [thrownText])].map((s) => s.value);
}

/** How the probe meets the database: a query that fails, the file moved away, or a write-ahead log that is lost. */
type ProbeMishap = 'query fails' | 'file moved' | 'log lost';

/** A fake of knex as the probe uses it: `raw` for its query, the pool for the write-ahead log's check. */
function fakeKnex(query: () => Promise<unknown>, connection: unknown): Knex {
  return {
    raw: query,
    client: { acquireConnection: async () => connection, releaseConnection: async () => undefined },
  } as unknown as Knex;
}

describe('Readiness, which needs no token', () => {
  const metrics = new ServiceMetrics();
  const endpoints: OperationsEndpoints = {
    readiness: new ReadinessCheck({
      database: { check: async () => ({ up: true, latencyMs: 0 }) },
      backlog: { backlog: async () => ({ count: 0, oldestCreatedAt: null }) },
      stopping: () => false,
    }),
  };
  const app = createOperationsApp(pino({ level: 'silent' }), endpoints, () => false);
  const server = app.listen(0, '127.0.0.1');
  let root: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'readiness-'));
  });
  after(() => {
    server.closeAllConnections();
    server.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function ready(): Promise<{ status: number; text: string }> {
    const { port: listening } = server.address() as AddressInfo;
    const answer = await fetch(`http://127.0.0.1:${listening}/health/ready`);
    return { status: answer.status, text: await answer.text() };
  }

  it('names no file path or network address of the settings or of an error message, whatever failed and however its causes are chained', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        chain,
        chain,
        chain,
        fc.constantFrom<ProbeMishap>('query fails', 'file moved', 'log lost'),
        fc.array(label, { minLength: 1, maxLength: 3 }),
        async (writeFailure, probeFailure, relayFailure, mishap, dirs) => {
          // The database file of the settings, under a directory of generated names.
          const file = join(root, String(run++), ...dirs, 'campaigns.sqlite');
          mkdirSync(dirname(file), { recursive: true });
          for (const made of [file, `${file}-wal`, `${file}-shm`]) writeFileSync(made, '');

          const writes = new DatabaseOutages(pino({ level: 'silent' }), 'writes');
          await writes.watch(Promise.reject(errorOf(writeFailure))).catch(() => undefined);

          const probeError = errorOf(probeFailure);
          let answered = true;
          const db = fakeKnex(() => (answered ? Promise.resolve([]) : Promise.reject(probeError)), {
            pragma: () => {
              throw probeError;
            },
          });
          rememberOpenedFile(db, file);
          watchWriteAheadLog(db, file, () => undefined);
          const probe = new KnexDatabaseProbe(db);
          expect((await probe.check()).up, 'the files are known from the first probe').to.equal(true);
          if (mishap === 'file moved') rmSync(file);
          if (mishap === 'log lost') rmSync(`${file}-wal`);
          answered = false;

          const relay = new RelayStatusTracker(metrics);
          const relayLog = relay.listeningTo(silentRelayLog);
          relayLog.leading();
          relayLog.outageBegan(errorOf(relayFailure));

          endpoints.readiness = new ReadinessCheck({
            database: probe,
            backlog: { backlog: async () => ({ count: 0, oldestCreatedAt: null }) },
            relay,
            stopping: () => false,
            writes,
          });
          const { status, text } = await ready();

          expect(status, text).to.equal(503);
          const body = JSON.parse(text) as {
            database: { error?: string; writes?: { cause: string } };
            relay?: { lastError?: string };
          };
          expect(body.database.error, text).to.be.a('string');
          expect(body.database.writes?.cause, text).to.be.a('string');
          expect(body.relay?.lastError, text).to.be.a('string');
          const named = [
            file,
            `${file}-wal`,
            root,
            ...secretsOf(writeFailure),
            ...secretsOf(probeFailure),
            ...secretsOf(relayFailure),
          ];
          for (const secretText of named) {
            // As written, and as JSON escapes it (a Windows path's backslashes).
            expect(text, `${secretText} in ${text}`).not.to.include(secretText);
            expect(text, `${secretText} in ${text}`).not.to.include(JSON.stringify(secretText).slice(1, -1));
          }
        },
      ),
      propertyParameters(RUNS),
    );
  });
});

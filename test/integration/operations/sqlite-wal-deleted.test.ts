import { execFileSync } from 'node:child_process';
import { copyFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pino from 'pino';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { LogLines } from '../../support/log-lines.js';
import { propertyParameters, propertyTimeout } from '../../support/property-runs.js';
import { TestService } from '../../support/test-service.js';

type Mishap = 'deleted' | 'replaced by an empty file' | 'replaced by a copy';

function befall(path: string, mishap: Mishap): void {
  if (mishap === 'deleted') rmSync(path);
  else if (mishap === 'replaced by an empty file') {
    rmSync(path);
    writeFileSync(path, '');
  } else {
    copyFileSync(path, `${path}.copy`);
    renameSync(`${path}.copy`, path);
  }
}

const mishap = fc.option(fc.constantFrom<Mishap>('deleted', 'replaced by an empty file', 'replaced by a copy'));

/** What a process of its own finds in the database file, as a relay, a backup or a restarted service would. */
function campaignsSeenByAnotherProcess(file: string): string {
  const script = `const D = require('better-sqlite3'); const d = new D(process.argv[1]);
    console.log(d.prepare('SELECT count(*) AS n FROM campaigns').get().n); d.close();`;
  try {
    return execFileSync(process.execPath, ['-e', script, file], { encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch (error) {
    return `failed: ${(error as { stderr?: string }).stderr?.split('\n').find((line) => /Error/.test(line))}`;
  }
}

describe('A SQLite write-ahead log or its index deleted or replaced while the service runs', () => {
  let service: TestService;
  let logs: LogLines;
  let file: string;

  beforeEach(async () => {
    logs = new LogLines();
    service = await TestService.start(SQLITE, { logger: pino({ level: 'info' }, logs) });
    file = join(service.dataDir, 'campaigns.sqlite');
    for (let i = 0; i < 3; i++) await service.createCampaign();
  });
  afterEach(() => service.stop());

  const create = () => service.request('POST', '/api/v1/campaigns', { body: { name: 'After the log was deleted' } });
  const ready = () => service.request('GET', '/health/ready', { token: null });
  const restored = () =>
    logs.lines.filter((line) => line.msg.startsWith('the SQLite write-ahead log or its index was deleted or replaced'));

  it('writes what the deleted log held into the database file before the next write, so other processes and a restart see every acknowledged change', async () => {
    rmSync(`${file}-wal`);

    const answer = await create();
    expect(answer.status, answer.text).to.equal(200);
    expect(campaignsSeenByAnotherProcess(file)).to.equal('4');
    expect(restored()).to.have.length(1);
    expect(restored()[0]!.file).to.equal(`${file}-wal`);
    expect(restored()[0]!.level).to.equal(40);

    expect((await create()).status).to.equal(200);
    expect(campaignsSeenByAnotherProcess(file)).to.equal('5');
    expect(restored(), 'the new log is the one at its path').to.have.length(1);
  });

  it('does the same on a readiness probe, so a service that takes no writes does not keep its changes in a log no one else sees', async () => {
    rmSync(`${file}-wal`);
    expect((await ready()).body.status).to.equal('ready');
    expect(restored()).to.have.length(1);
    expect(campaignsSeenByAnotherProcess(file)).to.equal('3');
  });

  it('keeps every acknowledged change where other processes see it, whatever befalls the log and the index, and whatever notices it first', async function () {
    this.timeout(propertyTimeout(8, 2_000));
    let acknowledged = 3;
    await fc.assert(
      fc.asyncProperty(
        mishap,
        mishap,
        fc.constantFrom('a write', 'a readiness probe'),
        fc.nat(3),
        async (log, index, noticedBy, writesBefore) => {
          for (let i = 0; i < writesBefore; i++) {
            expect((await create()).status).to.equal(200);
            acknowledged++;
          }
          if (log !== null) befall(`${file}-wal`, log);
          if (index !== null) befall(`${file}-shm`, index);
          if (noticedBy === 'a write') {
            const answer = await create();
            expect(answer.status, answer.text).to.equal(200);
            acknowledged++;
          } else {
            expect((await ready()).body.status).to.equal('ready');
          }
          expect(campaignsSeenByAnotherProcess(file)).to.equal(String(acknowledged));
          expect(restored()).to.have.length(log === null && index === null ? 0 : 1);
          logs.lines.length = 0;
        },
      ),
      propertyParameters(8),
    );
  });

  it('refuses writes 503 while another process keeps it from beginning a new log, says why on readiness, and takes them once it can', async () => {
    const other = new Database(file);
    try {
      other.prepare('SELECT count(*) FROM campaigns').get();
      rmSync(`${file}-wal`);

      const refused = await create();
      expect(refused.status, refused.text).to.equal(503);
      expect(refused.body.code).to.equal('DATABASE_UNAVAILABLE');
      const probe = await ready();
      expect(probe.status).to.equal(503);
      expect(probe.body.database.error).to.include('-wal').and.include('stop every process');
      expect(probe.body.database.error, 'why, by the class and code').to.include('(SqliteError (SQLITE_BUSY))');
      expect(JSON.stringify(probe.body), 'a path in an answer that needs no token').not.to.include(dirname(file));
    } finally {
      other.close();
    }

    expect((await create()).status).to.equal(200);
    expect((await ready()).body.status).to.equal('ready');
    expect(campaignsSeenByAnotherProcess(file)).to.equal('4');
  });
});

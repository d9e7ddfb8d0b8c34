import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE, type TestDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { runToExit } from '../../support/run-to-exit.js';
import { TestService } from '../../support/test-service.js';

describe('npm run backup', function () {
  this.timeout(60_000);
  let dir: string;
  let database: TestDatabase;
  let service: TestService | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'backup-command-'));
    database = await SQLITE.create();
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const backup = (...args: string[]) => runToExit('cli/backup.js', database.env, { cwd: dir, args });
  const campaignsIn = (file: string) => {
    const copy = new Database(file, { readonly: true });
    try {
      return copy.prepare('SELECT CAST(id AS TEXT) FROM campaigns').pluck().all() as string[];
    } finally {
      copy.close();
    }
  };

  it('copies the database of a running service, with what its write-ahead log holds, while it takes writes, and says what the copy holds', async () => {
    service = await TestService.start(SQLITE, { database });
    const before = await Promise.all(Array.from({ length: 20 }, () => service!.createCampaign()));
    let writing = true;
    const during: string[] = [];
    const writes = (async () => {
      while (writing) during.push(await service!.createCampaign());
    })();
    const target = join(dir, 'copy.sqlite');
    const run = await backup(target);
    writing = false;
    await writes;
    const written = [...before, ...during];

    expect(run.code, run.stderr).to.equal(0);
    const copied = campaignsIn(target);
    expect(copied, 'every campaign acknowledged before the copy began').to.include.members(before);
    expect(written, 'nothing that was not acknowledged').to.include.members(copied);
    expect(run.stdout).to.match(
      new RegExp(`^${target}: integrity ok; ${copied.length} campaigns, [0-9]+ events in the outbox, [0-9]+ of them`),
    );
    expect(existsSync(`${target}-wal`), 'a copy in one file').to.equal(false);
  });

  it('refuses to write over a file that exists, and leaves it as it was', async () => {
    service = await TestService.start(SQLITE, { database });
    const target = join(dir, 'taken.sqlite');
    writeFileSync(target, 'not mine');
    const run = await backup(target);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include(`${target} exists already`);
    expect(readFileSync(target, 'utf8')).to.equal('not mine');
  });

  it('checks a copy and says it is damaged, with status 1, when a page of it was overwritten', async () => {
    service = await TestService.start(SQLITE, { database });
    await Promise.all(Array.from({ length: 200 }, (_, n) => service!.createCampaign({ name: `Campaign ${n}` })));
    const target = join(dir, 'copy.sqlite');
    expect((await backup(target)).code).to.equal(0);
    expect((await backup('--check', target)).stdout).to.include('integrity ok; 200 campaigns');

    const pageSize = 4096;
    const file = openSync(target, 'r+');
    writeSync(file, Buffer.alloc(pageSize, 0xa5), 0, pageSize, 5 * pageSize);
    const run = await backup('--check', target);
    expect(run.code).to.equal(1);
    expect(run.stdout + run.stderr).not.to.include('integrity ok');
  });

  it('sends PostgreSQL to pg_dump with status 2, and refuses arguments it does not take', async () => {
    const postgres = await runToExit(
      'cli/backup.js',
      { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      { cwd: dir, args: [join(dir, 'copy.sqlite')] },
    );
    expect(postgres.code).to.equal(2);
    expect(postgres.stderr).to.include('pg_dump');
    for (const args of [[], ['--force', 'x'], ['--check'], ['a', 'b']]) {
      const run = await backup(...args);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(run.stderr).to.include('usage: npm run backup');
    }
    expect((await backup('--help')).stdout).to.match(/^usage: npm run backup/);
  });
});

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../../support/expect.js';
import { type Exit, runToExit } from '../../support/run-to-exit.js';

/** Permissions bind root only on a read-only file system, so as root the service runs as nobody. */
const UNPRIVILEGED = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

function runService(databaseFile: string, dataDir: string): Promise<Exit> {
  return runToExit(
    'main.js',
    { DATA_DIR: dataDir, DATABASE_URL: `sqlite:${databaseFile}` },
    { ...UNPRIVILEGED, cwd: tmpdir() },
  );
}

function expectOneLineNaming(run: Exit, file: string, osError: RegExp): void {
  expect(run.code, run.lines.join('\n')).to.equal(1);
  expect(run.lines, run.lines.join('\n')).to.have.length(1);
  const line = JSON.parse(run.lines[0]!);
  expect(line).to.include({ level: 60, file });
  expect(line.error).to.match(osError);
  expect(line.msg).to.match(/SQLite database file/);
  expect(run.lines[0]).not.to.match(/migrat|knex| {4}at /i);
}

describe('A SQLite database the service cannot use', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'campaigns-unwritable-'));
    chmodSync(root, 0o777);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('stops the service with exit 1 and one JSON line naming a read-only file and the OS error', async () => {
    const file = join(root, 'campaigns.sqlite');
    writeFileSync(file, '');
    chmodSync(file, 0o444);
    expectOneLineNaming(await runService(file, root), file, /^EACCES: permission denied, open /);
  });

  it('does the same for a directory where the file cannot be created', async () => {
    const directory = join(root, 'locked');
    const file = join(directory, 'campaigns.sqlite');
    await import('node:fs').then((fs) => fs.mkdirSync(directory, { mode: 0o555 }));
    chmodSync(directory, 0o555);
    expectOneLineNaming(await runService(file, root), file, /^EACCES: permission denied, access /);
  });

  it('does the same for a file that is not a SQLite database', async () => {
    const file = join(root, 'campaigns.sqlite');
    writeFileSync(file, Buffer.alloc(4096, 7));
    chmodSync(file, 0o666);
    expectOneLineNaming(await runService(file, root), file, /^SQLITE_NOTADB: file is not a database/);
  });

  it('does the same for a directory the system will not make, rather than waiting for ever', async () => {
    const file = '/proc/1/campaigns/campaigns.sqlite';
    expectOneLineNaming(await runService(file, root), file, /^ENOENT: no such file or directory, mkdir /);
  });

  it('does the same when a path component is a file, not a directory', async () => {
    const notADirectory = join(root, 'plain-file');
    writeFileSync(notADirectory, '');
    const file = join(notADirectory, 'campaigns.sqlite');
    expectOneLineNaming(await runService(file, root), file, /^(ENOTDIR|EEXIST)/);
  });
});

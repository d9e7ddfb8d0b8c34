import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../../support/expect.js';
import { runToExit } from '../../support/run-to-exit.js';

describe('npm run migrate', function () {
  this.timeout(30_000);
  let dir: string;
  const env = () => ({ DATA_DIR: dir, DATABASE_URL: `sqlite:${join(dir, 'campaigns.sqlite')}` });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'migrate-command-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const args of [['rollback'], ['--down'], ['down', '--help'], ['--to', '009']]) {
    it(`refuses ${args.join(' ')} with status 2, saying it takes no arguments, and does nothing`, async () => {
      const run = await runToExit('cli/migrate.js', env(), { cwd: dir, args });
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/^npm run migrate takes no arguments/);
      expect(run.stderr).to.include('there is no rollback');
      expect(existsSync(join(dir, 'campaigns.sqlite'))).to.equal(false);
    });
  }

  it('says what it does with --help, and does nothing', async () => {
    const run = await runToExit('cli/migrate.js', env(), { cwd: dir, args: ['--help'] });
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/^usage: npm run migrate\n/);
    expect(existsSync(join(dir, 'campaigns.sqlite'))).to.equal(false);
  });

  it('applies every migration, then says the database is up to date', async () => {
    const first = await runToExit('cli/migrate.js', env(), { cwd: dir });
    expect(first.code).to.equal(0);
    expect(first.stdout).to.match(/^applied: 001-initial-schema(, [0-9]{3}-[a-z-]+)+\n$/);
    const again = await runToExit('cli/migrate.js', env(), { cwd: dir });
    expect(again.stdout).to.equal('database is up to date\n');
  });
});

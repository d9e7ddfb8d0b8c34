import { renameSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { LogLines } from '../../support/log-lines.js';
import { TestService } from '../../support/test-service.js';

describe('A SQLite database file moved or deleted while the service runs', () => {
  let service: TestService;
  let logs: LogLines;
  let file: string;

  beforeEach(async () => {
    logs = new LogLines();
    service = await TestService.start(SQLITE, { logger: pino({ level: 'info' }, logs) });
    file = join(service.dataDir, 'campaigns.sqlite');
    await service.createCampaign();
  });
  afterEach(() => service.stop());

  const create = () => service.request('POST', '/api/v1/campaigns', { body: { name: 'After the move' } });
  const ready = () => service.request('GET', '/health/ready', { token: null });

  async function expectWritesRefusedSaying(reason: string, unsaidPath: string): Promise<void> {
    const refused = await create();
    expect(refused.status, refused.text).to.equal(503);
    expect(refused.body.code).to.equal('DATABASE_UNAVAILABLE');
    const probe = await ready();
    expect(probe.status).to.equal(503);
    expect(probe.body.database.status).to.equal('down');
    expect(probe.body.database.error).to.include(reason);
    expect(JSON.stringify(probe.body), 'a path in an answer that needs no token').not.to.include(unsaidPath);
  }

  async function expectWritesTakenAgain(): Promise<void> {
    expect((await create()).status).to.equal(200);
    expect((await ready()).body.status).to.equal('ready');
  }

  it('refuses writes 503 while the file at its path is not the one opened, and says why on readiness, then takes them once it is back', async () => {
    renameSync(file, `${file}.moved`);

    await expectWritesRefusedSaying('not the file the service opened', dirname(file));
    const warned = logs.lines.filter((line) => line.msg.startsWith('the database does not take writes:'));
    expect(warned).to.have.length(1);
    expect(warned[0]!.cause).to.include('DatabaseFileMoved');

    renameSync(`${file}.moved`, file);
    await expectWritesTakenAgain();
    const list = await service.request('GET', '/api/v1/campaigns?view=service');
    expect(list.body.total).to.equal(2);
  });

  it('refuses writes 503 while its path cannot be looked at (its directory replaced by a link to itself), says why by code on readiness, and takes them once it is back', async () => {
    renameSync(service.dataDir, `${service.dataDir}.away`);
    symlinkSync(service.dataDir, service.dataDir);

    await expectWritesRefusedSaying('cannot be looked at (Error (ELOOP))', service.dataDir);

    rmSync(service.dataDir);
    renameSync(`${service.dataDir}.away`, service.dataDir);
    await expectWritesTakenAgain();
  });

  it('refuses writes 503 once its directory is deleted, rather than acknowledge what a restart would not find', async () => {
    rmSync(service.dataDir, { recursive: true, force: true });
    for (let i = 0; i < 3; i++) expect((await create()).status).to.equal(503);
    expect((await ready()).status).to.equal(503);
  });
});

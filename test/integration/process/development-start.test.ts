import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '../../support/expect.js';
import { ServiceProcess } from '../../support/service-process.js';

describe('The service process started without auth settings (what npm start runs)', () => {
  let dataDir: string;
  let service: ServiceProcess | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'development-start-'));
  });
  afterEach(async () => {
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const helpPrinted = async (process: ServiceProcess) => {
    for (let waited = 0; waited < 5_000 && !process.output.join('').includes('/console/#token='); waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return process.output.join('');
  };

  const checked: Array<[string, Record<string, string>]> = [
    ['', {}],
    [
      ', with the issuer and audience it is set to check',
      { AUTH_ISSUER: 'https://idp.example', AUTH_AUDIENCE: 'campaigns' },
    ],
    [', with only an audience to check', { AUTH_AUDIENCE: 'campaigns' }],
  ];
  for (const [label, checks] of checked) {
    it(`prints, after its log lines, a token that works and the console address signed in with it${label}`, async () => {
      service = await ServiceProcess.start({
        DATABASE_URL: `sqlite:${join(dataDir, 'campaigns.sqlite')}`,
        DATA_DIR: dataDir,
        AUTH_JWT_SECRET: '',
        KAFKA_BROKERS: '',
        SCHEDULER: 'off',
        ...checks,
      });
      const output = await helpPrinted(service);
      const listening = output.indexOf('"msg":"campaign service listening"');
      const help = output.indexOf('Development mode:');
      expect(listening, output).to.be.greaterThan(-1);
      expect(help, 'the help comes after the line saying the service listens').to.be.greaterThan(listening);
      const helpBlock = output.slice(help, output.indexOf('/console/#token=', help));
      expect(helpBlock, 'no log line in the middle of the help').not.to.match(/^\{"level"/m);

      const token = /export TOKEN=(\S+)/.exec(output)![1]!;
      expect(output).to.include(`${service.url}/console/#token=${token}`);
      const created = await fetch(`${service.url}/api/v1/campaigns`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Spring sale', startAt: '2030-01-01T09:00:00Z', endAt: '2030-02-01T09:00:00Z' }),
      });
      expect(created.status, await created.text()).to.equal(200);
    });
  }
});

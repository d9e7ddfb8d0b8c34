import { createLogger } from '../../../src/composition/logger.js';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { LogLines } from '../../support/log-lines.js';
import { TestService } from '../../support/test-service.js';

describe('Request logs', () => {
  let service: TestService;
  let out: LogLines;

  before(async () => {
    out = new LogLines();
    service = await TestService.start(SQLITE, { logger: createLogger('info', { destination: out }) });
  });
  after(() => service.stop());

  const requestLines = () => out.withMessage('request');

  it('logs one line per request: method, route pattern, status, duration and the request id', async () => {
    const id = await service.createCampaign();
    const answer = await service.request('POST', `/api/v1/campaigns/${id}/start`, {
      headers: { 'x-request-id': 'trace-start-1' },
    });
    const line = requestLines().find((l) => l.requestId === 'trace-start-1');
    expect(answer.headers.get('x-request-id')).to.equal('trace-start-1');
    expect(line).to.include({ level: 30, method: 'POST', route: '/api/v1/campaigns/:id/start', status: 200 });
    expect(line!.durationMs).to.be.a('number').and.at.least(0);
  });

  it('logs refused requests with their status and the route pattern, and unknown routes with none', async () => {
    await service.request('GET', '/api/v1/campaigns/12', { token: null, headers: { 'x-request-id': 'trace-401' } });
    await service.request('GET', '/wp-admin/setup.php', { headers: { 'x-request-id': 'trace-404' } });
    expect(requestLines().find((l) => l.requestId === 'trace-401')).to.include({
      route: '/api/v1/campaigns/:id',
      status: 401,
    });
    expect(requestLines().find((l) => l.requestId === 'trace-404')).to.include({ route: null, status: 404 });
  });

  it('never logs the token, the body, the raw path or the query string', async () => {
    const token = await service.token('carol');
    await service.request('POST', '/api/v1/campaigns?secretQuery=q-123', {
      token,
      body: { name: 'body-secret-name', startAt: '2031-01-01T00:00:00Z' },
      headers: { 'x-voltmx-authorization': token },
    });
    await service.request('GET', '/api/v1/campaigns/31337031337');
    const everything = out.raw.join('\n');
    for (const secret of [token, token.split('.')[2]!, 'body-secret-name', 'secretQuery', '31337031337']) {
      expect(everything).not.to.contain(secret);
    }
  });

  it('logs probes and scrapes at debug level only', async () => {
    await service.request('GET', '/health/ready', { token: null, headers: { 'x-request-id': 'probe-1' } });
    await service.request('GET', '/metrics', { token: null, headers: { 'x-request-id': 'scrape-1' } });
    expect(requestLines().filter((l) => l.requestId === 'probe-1' || l.requestId === 'scrape-1')).to.deep.equal([]);
  });
});

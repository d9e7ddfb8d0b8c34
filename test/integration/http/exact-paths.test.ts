import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import type { Answer } from '../../support/test-service.js';
import { TestService } from '../../support/test-service.js';

function expectNotFound(answer: Answer): void {
  expect(answer.status).to.equal(404);
  expect(answer.body).to.include({ code: 'NOT_FOUND', requestId: answer.headers.get('x-request-id') });
}

describe('Paths are matched exactly as written, on both mounts', () => {
  let service: TestService;
  let id: string;

  before(async () => {
    service = await TestService.start(SQLITE, { env: { BASE_PATH: '/vpns' } });
    id = await service.createCampaign();
  });
  after(() => service.stop());

  it('serves both mounts as written', async () => {
    expect((await service.request('GET', `/api/v1/campaigns/${id}`)).status).to.equal(200);
    expect((await service.request('GET', `/vpns/api/v1/campaigns/${id}`)).status).to.equal(200);
  });

  for (const path of [
    '/API/V1/campaigns',
    '/api/v1/Campaigns',
    '/Api/v1/campaigns',
    '/VPNS/api/v1/campaigns',
    '/vpns/API/v1/campaigns',
  ]) {
    it(`answers ${path} with 404 NOT_FOUND, with a token or without`, async () => {
      expectNotFound(await service.request('GET', path, { token: null }));
      expectNotFound(await service.request('GET', path));
    });
  }

  it('starts nothing through a mount written in another letter case', async () => {
    for (const path of [
      `/VPNS/api/v1/campaigns/${id}/start`,
      `/API/V1/campaigns/${id}/start`,
      `/api/v1/campaigns/${id}/START`,
    ]) {
      expectNotFound(await service.request('POST', path, { token: null }));
      expectNotFound(await service.request('POST', path));
    }
    expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.status).to.equal('scheduled');
  });

  for (const path of ['/api/v1/campaigns/', '/api/v1//campaigns', '/vpns/api/v1/campaigns/', '//api/v1/campaigns']) {
    it(`answers ${path} (slashes) with 404 NOT_FOUND`, async () => {
      expectNotFound(await service.request('GET', path));
    });
  }

  it('answers the operations paths only as written', async () => {
    expect((await service.request('GET', '/health/live', { token: null })).status).to.equal(200);
    expectNotFound(await service.request('GET', '/HEALTH/live', { token: null }));
    expectNotFound(await service.request('GET', '/health/live/', { token: null }));
    expectNotFound(await service.request('GET', '/Metrics', { token: null }));
  });
});

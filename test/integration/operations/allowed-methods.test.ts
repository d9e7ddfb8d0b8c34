import { METHODS } from 'node:http';
import fc from 'fast-check';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { type RawAnswer, rawExchange } from '../../support/raw-http.js';
import { TestService } from '../../support/test-service.js';

const READ = ['GET', 'HEAD', 'OPTIONS'];
const WRITE = ['POST', 'OPTIONS'];

/** Every path the service serves (with an id where a route takes one) and the methods `Allow` should name. */
const ROUTES: ReadonlyArray<[path: string, allowed: string[]]> = [
  ['/api/v1/campaigns', ['GET', 'HEAD', 'POST', 'OPTIONS']],
  ['/api/v1/campaigns/7', READ],
  ['/api/v1/campaigns/7/events', READ],
  ...['start', 'pause', 'resume', 'terminate', 'delete', 'modify'].map((verb): [string, string[]] => [
    `/api/v1/campaigns/7/${verb}`,
    WRITE,
  ]),
  ['/health/live', READ],
  ['/health/ready', READ],
  ['/metrics', READ],
  ['/openapi.json', READ],
  ['/console/', READ],
];

const NO_ROUTE = ['/nope', '/api/v1/campaigns/7/nope', '/api/v1/campaigns/', '/vpns/health/live'];

/** Methods node:http parses (CONNECT aside, which is no request for a resource) and the app answers. */
const PARSED_METHODS = METHODS.filter((method) => method !== 'CONNECT');

function allowed(answer: RawAnswer): string[] | undefined {
  const allow = answer.headers.allow;
  return allow === undefined ? undefined : allow.split(',').map((method) => method.trim());
}

describe('The Allow header', function () {
  this.timeout(propertyTimeoutMs(120_000));
  let service: TestService;

  before(async () => {
    service = await TestService.start(SQLITE, { env: { BASE_PATH: '/vpns' } });
  });
  after(() => service.stop());

  function send(method: string, path: string): Promise<RawAnswer> {
    return rawExchange(
      service.url,
      `${method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${service.defaultToken}\r\nConnection: close\r\n\r\n`,
    );
  }

  it('names OPTIONS beside the route’s methods in the answer to OPTIONS', async () => {
    const answer = await send('OPTIONS', '/api/v1/campaigns');
    expect(answer.status).to.equal(200);
    expect(allowed(answer)).to.have.members(['GET', 'HEAD', 'POST', 'OPTIONS']);
  });

  it('names OPTIONS in a 405 and in its message', async () => {
    const answer = await send('PUT', '/health/live');
    expect(answer.status).to.equal(405);
    expect(allowed(answer)).to.have.members(READ);
    expect(JSON.parse(answer.body).message).to.contain('OPTIONS');
  });

  it('sends no Allow with a 501 on a path no route has, rather than an empty one', async () => {
    const answer = await send('TRACE', '/nope');
    expect(answer.status).to.equal(501);
    expect(answer.headers).not.to.have.property('allow');
  });

  it('answers OPTIONS * (the server as a whole) 200 with every method some route answers', async () => {
    const answer = await send('OPTIONS', '*');
    expect(answer.status).to.equal(200);
    expect(answer.body).to.equal('');
    expect(allowed(answer)).to.have.members([...new Set(ROUTES.flatMap(([, methods]) => methods))]);
  });

  it('refuses * as the target of any method but OPTIONS with a 400 JSON answer naming it (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PARSED_METHODS.filter((method) => method !== 'OPTIONS')), async (method) => {
        const answer = await send(method, '*');
        expect(answer.status, method).to.equal(400);
        if (method === 'HEAD') return;
        const body = JSON.parse(answer.body);
        expect(body.code).to.equal('INVALID_REQUEST');
        expect(body.message).to.contain(method);
      }),
      propertyParameters(40),
    );
  });

  it('is, for any method on any path, either absent or the path’s methods with OPTIONS, never empty (generated)', async () => {
    const mounted = ROUTES.flatMap(
      ([path, methods]): Array<[string, string[] | undefined]> => [
        [path, methods],
        [`/vpns${path}`, path.startsWith('/api/') || path.startsWith('/console') ? methods : undefined],
      ],
    );
    const paths = fc.oneof(
      fc.constantFrom(...mounted),
      fc.constantFrom(...NO_ROUTE).map((path): [string, undefined] => [path, undefined]),
    );
    await fc.assert(
      fc.asyncProperty(paths, fc.constantFrom(...PARSED_METHODS), async ([path, methods], method) => {
        const answer = await send(method, path);
        const context = `${method} ${path} -> ${answer.status} Allow: ${answer.headers.allow}`;
        const allow = allowed(answer);
        if (methods === undefined) {
          expect(allow, context).to.equal(undefined);
          expect(answer.status, context).to.be.oneOf([404, 501]);
          return;
        }
        if (method === 'OPTIONS' || answer.status === 405 || answer.status === 501) {
          expect(allow, context).to.have.members(methods);
        }
        if (methods.includes(method)) expect(answer.status, context).not.to.be.oneOf([405, 501]);
        else if (method !== 'OPTIONS') expect(answer.status, context).to.be.oneOf([405, 501]);
      }),
      propertyParameters(150),
    );
  });
});

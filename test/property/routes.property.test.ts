import * as fc from 'fast-check';
import { ALL_SCOPES } from '../../src/adapters/auth/principal.js';
import { mintToken } from '../../src/adapters/auth/token-minter.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { expect } from '../support/expect.js';
import { propertyParameters, propertyTimeout } from '../support/property-runs.js';
import { SpiedService } from '../support/spied-service.js';
import { inDays, TEST_SECRET } from '../support/test-service.js';

const RUNS = 400;

type TokenKind = 'none' | 'valid' | 'no scopes' | 'garbage' | 'other secret' | 'expired';

/** Now and then: most generated paths keep their shape, so each bend is tried on paths that reach a route. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary, weight: 1 });
}

/** A segment as written, in capitals, or capitalised. */
function anyCase(segment: string): fc.Arbitrary<string> {
  if (!/[a-z]/.test(segment)) return fc.constant(segment);
  return fc.oneof(
    { arbitrary: fc.constant(segment), weight: 2 },
    { arbitrary: fc.constant(segment.toUpperCase()), weight: 1 },
    { arbitrary: fc.constant(segment[0]!.toUpperCase() + segment.slice(1)), weight: 1 },
  );
}

/** A path built from the service's own routes, then bent the ways clients and attackers bend paths. */
function pathArbitrary(id: string): fc.Arbitrary<string> {
  const mount = fc.oneof(
    fc.constant([] as string[]),
    anyCase('vpns').map((m) => [m]),
  );
  const api = fc.oneof(
    { arbitrary: fc.tuple(anyCase('api'), anyCase('v1')).map((a) => [...a]), weight: 5 },
    { arbitrary: fc.constantFrom(['api'], ['v1'], [], ['api', 'v2']), weight: 1 },
  );
  const resource = fc.oneof(
    { arbitrary: anyCase('campaigns'), weight: 5 },
    { arbitrary: fc.constantFrom('campaign', 'health', 'metrics', 'openapi.json'), weight: 1 },
  );
  const idSegment = fc.constantFrom(
    id,
    '1',
    '0',
    '-1',
    'abc',
    '99999999999999999999',
    '%31',
    '%20',
    '%00',
    '%ff',
    '%',
    '..',
    '%2e%2e',
  );
  const verb = fc
    .constantFrom('start', 'pause', 'resume', 'terminate', 'delete', 'modify', 'complete', '')
    .chain(anyCase);
  const tail = fc.oneof(
    fc.constant([] as string[]),
    idSegment.map((s) => [s]),
    fc.tuple(idSegment, verb).map((s) => [...s]),
  );
  const segments = fc.tuple(mount, api, resource, tail).map(([m, a, r, t]) => [...m, ...a, r, ...t]);
  const bend = fc.record({
    percentEncodeAt: sometimes(fc.nat()),
    lowerHex: fc.boolean(),
    dotSegmentAt: sometimes(fc.tuple(fc.nat(), fc.constantFrom('.', '..', '%2e', '%2E%2E', '.%2e'))),
    doubleSlashAt: sometimes(fc.nat()),
    trailingSlash: sometimes(fc.constant(true)),
    query: fc.constantFrom(
      '',
      '?restart=true',
      '?restart=TRUE',
      '?start=0&pageSize=5',
      '?pageSize=-1',
      '?%zz',
      '?restart=true&restart=false',
    ),
  });
  return fc.tuple(segments, bend).map(([parts, b]) => {
    const out = [...parts];
    if (b.percentEncodeAt !== undefined && out.length > 0) {
      const i = b.percentEncodeAt % out.length;
      const word = out[i]!;
      if (word.length > 0 && /^[A-Za-z]/.test(word)) {
        const hex = word.charCodeAt(0).toString(16);
        out[i] = `%${b.lowerHex ? hex : hex.toUpperCase()}${word.slice(1)}`;
      }
    }
    if (b.dotSegmentAt !== undefined) out.splice(b.dotSegmentAt[0] % (out.length + 1), 0, b.dotSegmentAt[1]);
    if (b.doubleSlashAt !== undefined) out.splice(b.doubleSlashAt % (out.length + 1), 0, '');
    return `/${out.join('/')}${b.trailingSlash ? '/' : ''}${b.query}`;
  });
}

for (const kind of DATABASE_KINDS) {
  describe(`Generated requests over every route and mount (${kind.name})`, function () {
    this.timeout(propertyTimeout(RUNS, 150));
    let service: SpiedService;
    let id: string;
    const tokens = {} as Record<TokenKind, string | undefined>;

    before(async () => {
      service = await SpiedService.start(kind, { BASE_PATH: '/vpns' });
      tokens.none = undefined;
      tokens.valid = await mintToken({ secret: TEST_SECRET, subject: 'prober', scopes: ALL_SCOPES });
      tokens['no scopes'] = await mintToken({ secret: TEST_SECRET, subject: 'prober', scopes: [] });
      tokens.garbage = 'not.a.token';
      tokens['other secret'] = await mintToken({
        secret: 'another-secret-that-is-long-enough-for-hs256',
        subject: 'prober',
      });
      tokens.expired = await mintToken({ secret: TEST_SECRET, subject: 'prober', ttlSeconds: -60 });
      const created = await service.request(
        'POST',
        '/api/v1/campaigns',
        { authorization: `Bearer ${tokens.valid}`, 'content-type': 'application/json' },
        JSON.stringify({ name: 'Probe', startAt: inDays(1), endAt: inDays(30) }),
      );
      id = JSON.parse(created.text).id;
    });
    after(() => service.stop());

    it('never answers 5xx, reaches no handler without a verified principal holding the scope, and refuses in JSON', async () => {
      const request = fc.record({
        method: fc.oneof(
          { arbitrary: fc.constantFrom('GET', 'POST'), weight: 4 },
          fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
        ),
        path: pathArbitrary(id),
        token: fc.constantFrom<TokenKind>('none', 'valid', 'no scopes', 'garbage', 'other secret', 'expired'),
        header: fc.constantFrom('Authorization', 'X-VoltMX-Authorization'),
        body: fc.constantFrom(undefined, '{}', '{"name":"Renamed"}', 'not json', '[]'),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ method, path, token, header, body }) => {
          const headers: Record<string, string> = {};
          if (tokens[token] !== undefined) headers[header] = `Bearer ${tokens[token]}`;
          if (body !== undefined) headers['content-type'] = 'application/json';
          const answer = await service.request(method, path, headers, body);
          const context = `${method} ${path} (${token}) -> ${answer.status} ${answer.text.slice(0, 200)}`;
          expect(answer.status, context).to.be.below(500);
          if (service.reached.length > 0) expect(token, context).to.equal('valid');
          if (answer.status >= 400 && method !== 'HEAD') {
            const error = JSON.parse(answer.text);
            expect(error.code, context).to.be.a('string');
            expect(error.message, context).to.be.a('string');
            expect(error.requestId, context).to.equal(answer.headers['x-request-id']);
          }
          if (
            answer.status < 400 &&
            method !== 'OPTIONS' &&
            !path.startsWith('/health') &&
            !path.startsWith('/metrics')
          ) {
            expect(token, context).to.equal('valid');
          }
        }),
        propertyParameters(RUNS),
      );
    });
  });
}

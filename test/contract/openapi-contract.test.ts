import { loadOpenApiDocument } from '../../src/adapters/http/openapi-document.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { CREATE_CAMPAIGN, CREATE_FROM_READ_SAMPLES } from '../fixtures/volt-mx-bodies.js';
import { POSTGRES, SQLITE, TEST_POSTGRES_URL } from '../support/databases.js';
import { expect } from '../support/expect.js';
import { OpenApiContract, type Operation, servedRoutes } from '../support/openapi-contract.js';
import { rawExchange, rawExchangeInParts } from '../support/raw-http.js';
import { SilenceableProxy } from '../support/silenceable-proxy.js';
import type { Answer, RequestOptions } from '../support/test-service.js';
import { TestService } from '../support/test-service.js';

const contract = new OpenApiContract(loadOpenApiDocument());
const MINUTE = 60_000;
const NO_SUCH_ID = '9223372036854775807';

/** What a scenario may ask for besides the operation's own method and path. */
interface Call extends RequestOptions {
  id?: string;
  query?: string;
  on?: TestService;
  /** Another method than the operation's. */
  method?: string;
  /** Appended to the operation's path, making a path that is no route. */
  pathSuffix?: string;
}

interface Scene {
  service: TestService;
  clock: FixedClock;
  /** The operation under test, with `{id}` filled in. */
  call(options?: Call): Promise<Answer>;
  /** A campaign in the given state, made through the API. */
  campaign(
    state: 'scheduled' | 'running' | 'paused' | 'expired' | 'running-expired' | 'paused-expired',
  ): Promise<string>;
  /** A second service whose database is gone, started the first time a scenario needs it. */
  broken(): Promise<TestService>;
  /** The operation under test, sent over a socket of its own with the token (id 1). */
  raw(call?: RawCall): Promise<Answer>;
  /** A third service that waits for headers only 300 ms, started the first time a scenario needs it. */
  impatient(): Promise<TestService>;
  /** A service whose tokens are verified with a key set nothing serves, and a token it would fetch that set for. */
  keyless(): Promise<{ on: TestService; token: string }>;
  /** A service on PostgreSQL whose server stopped taking connections, started the first time a scenario needs it. */
  unreachable(): Promise<TestService>;
}

/** A request of the operation written byte for byte: fetch() sends no request without Host, nor an Expect. */
interface RawCall {
  on?: TestService;
  /** Another method than the operation's. */
  method?: string;
  /** Header lines added as written. */
  headers?: string[];
  withoutHost?: boolean;
  /** The request line's version, as written: `HTTP/1.1` unless given. */
  version?: string;
  /** Stops before the blank line that ends the headers, as a client that stalls. */
  stall?: boolean;
  /** Sent on one connection behind this many `GET /health/live`, none of them answered yet (pipelined). */
  behind?: number;
}

type Scenario = (scene: Scene) => Promise<Answer>;

const SERVICE_VIEW = 'application/vnd.campaign-service+json';

/** A campaign with every kind of content the original documents (its Create Campaign and Get samples). */
async function withContent(service: TestService, clock: FixedClock): Promise<string> {
  const id = await service.createCampaign({
    ...CREATE_FROM_READ_SAMPLES,
    startDateStr: undefined,
    endDateStr: undefined,
    ...validCampaign(clock),
  });
  await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
    body: { campaignPasses: CREATE_CAMPAIGN.campaignPasses, campaignChannelPriorities: [{ messageChannel: 'SMS' }] },
  });
  return id;
}

const validCampaign = (clock: FixedClock) => ({
  name: 'Contract',
  startAt: new Date(clock.now().getTime() + 10 * MINUTE).toISOString(),
  endAt: new Date(clock.now().getTime() + 100 * MINUTE).toISOString(),
});

/** The requests that make each documented answer of one operation, beyond those every operation shares. */
const SCENARIOS: Record<string, Scenario[]> = {
  'POST /api/v1/campaigns 200': [({ call, clock }) => call({ body: validCampaign(clock) })],
  'POST /api/v1/campaigns 400': [({ call }) => call({ body: [1, 2] }), ({ call }) => call({ body: { name: 7 } })],
  'POST /api/v1/campaigns 409': [
    async ({ call, clock }) => {
      await call({ body: { ...validCampaign(clock), id: '4242424242' } });
      return call({ body: { ...validCampaign(clock), id: '4242424242' } });
    },
  ],
  'GET /api/v1/campaigns 200': [
    async ({ call, campaign }) => {
      await campaign('paused');
      return call({ query: '?start=0&pageSize=5' });
    },
    ({ call }) => call({ query: '?start=0&pageSize=5&view=service' }),
    ({ call }) => call({ headers: { accept: SERVICE_VIEW } }),
    ({ call, service, clock }) => withContent(service, clock).then(() => call({ query: '?pageSize=500' })),
    ({ call }) => call({ query: '?pageSize=500&view=service' }),
    ({ call }) => call({ query: '?status=scheduled,paused&search=contract&sort=nextStart&view=service' }),
    ({ call }) => call({ query: '?status=paused&sort=newest' }),
  ],
  'GET /api/v1/campaigns 400': [
    ({ call }) => call({ query: '?pageSize=0' }),
    ({ call }) => call({ query: '?view=all' }),
    ({ call }) => call({ query: '?sort=oldest' }),
  ],
  'GET /api/v1/campaigns/{id} 200': [
    async ({ call, campaign }) => call({ id: await campaign('paused') }),
    async ({ call, campaign }) => call({ id: await campaign('paused'), query: '?view=service' }),
    async ({ call, campaign }) => call({ id: await campaign('paused'), headers: { accept: SERVICE_VIEW } }),
    async ({ call, service, clock }) => call({ id: await withContent(service, clock) }),
    async ({ call, service, clock }) => call({ id: await withContent(service, clock), query: '?view=service' }),
  ],
  'GET /api/v1/campaigns/{id} 304': [
    async ({ call, campaign }) => {
      const id = await campaign('paused');
      const read = await call({ id });
      return call({ id, headers: { 'if-none-match': read.headers.get('etag')! } });
    },
  ],
  'GET /api/v1/campaigns/{id} 400': [({ call }) => call({ id: '1', query: '?view=all' })],
  'GET /api/v1/campaigns/{id}/events 200': [
    async ({ call, campaign }) => call({ id: await campaign('paused') }),
    async ({ call, campaign }) => call({ id: await campaign('scheduled'), query: '?start=0&pageSize=5' }),
  ],
  'GET /api/v1/campaigns/{id}/events 400': [
    async ({ call, campaign }) => call({ id: await campaign('paused'), query: '?pageSize=0' }),
  ],

  'POST /api/v1/campaigns/{id}/start 200': [async ({ call, campaign }) => call({ id: await campaign('scheduled') })],
  'POST /api/v1/campaigns/{id}/start 409': [
    async ({ call, campaign }) => call({ id: await campaign('running') }),
    async ({ call, campaign }) => call({ id: await campaign('expired') }),
  ],
  'POST /api/v1/campaigns/{id}/pause 200': [async ({ call, campaign }) => call({ id: await campaign('running') })],
  'POST /api/v1/campaigns/{id}/pause 409': [
    async ({ call, campaign }) => call({ id: await campaign('scheduled') }),
    async ({ call, campaign }) => call({ id: await campaign('running-expired') }),
  ],
  'POST /api/v1/campaigns/{id}/resume 200': [async ({ call, campaign }) => call({ id: await campaign('paused') })],
  'POST /api/v1/campaigns/{id}/resume 409': [
    async ({ call, campaign }) => call({ id: await campaign('scheduled') }),
    async ({ call, campaign }) => call({ id: await campaign('paused-expired') }),
  ],
  'POST /api/v1/campaigns/{id}/terminate 200': [async ({ call, campaign }) => call({ id: await campaign('running') })],
  'POST /api/v1/campaigns/{id}/terminate 409': [
    async ({ call, campaign }) => call({ id: await campaign('scheduled') }),
    async ({ call, campaign }) => call({ id: await campaign('paused-expired') }),
  ],
  'POST /api/v1/campaigns/{id}/delete 200': [async ({ call, campaign }) => call({ id: await campaign('scheduled') })],
  'POST /api/v1/campaigns/{id}/delete 409': [async ({ call, campaign }) => call({ id: await campaign('running') })],
  'POST /api/v1/campaigns/{id}/modify 200': [
    async ({ call, campaign }) => call({ id: await campaign('scheduled'), body: { name: 'Renamed' } }),
  ],
  'POST /api/v1/campaigns/{id}/modify 400': [
    async ({ call, campaign }) => call({ id: await campaign('scheduled'), body: { name: 7 } }),
    async ({ call, campaign }) => call({ id: await campaign('scheduled') }),
    async ({ call, campaign }) => call({ id: await campaign('scheduled'), query: '?restart=maybe', body: {} }),
    async ({ call, campaign }) => call({ id: await campaign('paused'), query: '?restart=true' }),
  ],
  'POST /api/v1/campaigns/{id}/modify 409': [
    async ({ call, campaign }) => call({ id: await campaign('running'), body: { name: 'Renamed' } }),
    async ({ call, campaign }) => call({ id: await campaign('running'), query: '?restart=true', body: {} }),
    async ({ call, campaign }) => call({ id: await campaign('running'), query: '?restart=true' }),
  ],

  'GET /health/live 200': [({ call }) => call()],
  'GET /health/ready 200': [({ call }) => call()],
  'GET /health/ready 503': [async ({ call, broken }) => call({ on: await broken() })],
  'GET /metrics 200': [({ call }) => call()],
  'GET /openapi.json 200': [({ call }) => call()],
};

/** The requests that make the answers every campaign operation shares: auth, id syntax, body, keys, failures. */
function sharedScenarios(operation: Operation): Record<string, Scenario[]> {
  const hasId = operation.path.includes('{id}');
  const takesKey = operation.parameters.some((p) => p.name === 'Idempotency-Key');
  const takesIfMatch = operation.parameters.some((p) => p.name === 'If-Match');
  const modifies = operation.path.endsWith('/modify');
  const takesBody = operation.method === 'POST';
  const ignoresBody = takesBody && hasId && !operation.path.endsWith('/modify');
  const scenarios: Record<string, Scenario[]> = {
    '400': [
      ...(hasId ? [({ call }: Scene) => call({ id: '007' })] : []),
      ...(takesKey ? [({ call }: Scene) => call({ id: '1', headers: { 'idempotency-key': 'has spaces' } })] : []),
      ...(takesIfMatch
        ? [
            ({ call }: Scene) =>
              call({ id: '1', headers: { 'if-match': '3' }, ...(modifies || !hasId ? { body: { name: 'x' } } : {}) }),
          ]
        : []),
      ...(ignoresBody
        ? [({ call }: Scene) => call({ id: '1', rawBody: '{"oops', headers: { 'content-type': 'application/json' } })]
        : []),
    ],
    '401': [({ call }) => call({ id: '1', token: null })],
    '403': [async ({ call, service }) => call({ id: '1', token: await service.token('nobody', []) })],
    '404': hasId
      ? [({ call }) => call({ id: NO_SUCH_ID, ...(operation.path.endsWith('/modify') ? { body: {} } : {}) })]
      : [],
    // A create takes If-Match too, but names no version: an entity tag is a 400 there.
    '412':
      takesIfMatch && hasId
        ? [
            async ({ call, campaign }) =>
              call({
                id: await campaign('scheduled'),
                headers: { 'if-match': '"999"' },
                ...(modifies ? { body: { name: 'Renamed' } } : {}),
              }),
          ]
        : [],
    '413': takesBody ? [({ call }) => call({ id: '1', body: { padding: 'x'.repeat(1_100_000) } })] : [],
    '415': takesBody
      ? [
          ({ call }) => call({ id: '1', rawBody: 'go', headers: { 'content-type': 'text/plain' } }),
          ({ call }) =>
            call({ id: '1', rawBody: '{}', headers: { 'content-type': 'application/json', 'content-encoding': 'br' } }),
        ]
      : [],
    '422': takesKey
      ? [
          async ({ call, clock }) => {
            const key = { 'idempotency-key': `contract-${operation.path}` };
            // Two requests under one key that differ: the campaign (a verb) or the body (a create).
            const creates = operation.path.endsWith('/campaigns');
            const body = (name: string) =>
              creates
                ? { body: { ...validCampaign(clock), name } }
                : operation.path.endsWith('/modify')
                  ? { body: {} }
                  : {};
            await call({ id: '9000000000000000001', headers: key, ...body('First') });
            return call({ id: '9000000000000000002', headers: key, ...body('Second') });
          },
        ]
      : [],
    '503': [
      async ({ call, keyless, clock }) =>
        call({
          ...(await keyless()),
          id: '1',
          ...(takesBody ? { body: operation.path.endsWith('/campaigns') ? validCampaign(clock) : {} } : {}),
        }),
      async ({ call, unreachable, clock }) =>
        call({
          on: await unreachable(),
          id: '1',
          ...(takesBody ? { body: operation.path.endsWith('/campaigns') ? validCampaign(clock) : {} } : {}),
        }),
    ],
    '500': [
      async ({ call, broken, clock }) =>
        call({
          on: await broken(),
          id: '1',
          ...(takesBody ? { body: operation.path.endsWith('/campaigns') ? validCampaign(clock) : {} } : {}),
        }),
    ],
  };
  if (!operation.secured) return {};
  return Object.fromEntries(Object.entries(scenarios).filter(([, list]) => list.length > 0));
}

/** The requests that make the answers every path shares: no such route, another method, an unknown method. */
function routeScenarios(operation: Operation): Record<string, Scenario[]> {
  const served = contract.methodsOf(operation.path);
  const notServed = ['DELETE', 'PUT', 'PATCH', 'POST', 'GET'].find((method) => !served.includes(method))!;
  return {
    '404': [({ call }) => call({ id: '1', pathSuffix: '/' })],
    '405': [({ call }) => call({ id: '1', method: notServed })],
    '501': [({ call }) => call({ id: '1', method: 'PURGE' })],
  };
}

/** The requests that make the answers every path gives before a route looks at them: the HTTP layer's refusals. */
const HTTP_LAYER_SCENARIOS: Record<string, Scenario[]> = {
  '400': [({ raw }) => raw({ withoutHost: true }), ({ raw }) => raw({ headers: ['Idempotency-Key: a\x7fb'] })],
  '408': [async ({ raw, impatient }) => raw({ on: await impatient(), stall: true })],
  '417': [({ raw }) => raw({ headers: ['Expect: foo'] })],
  '429': [({ raw }) => raw({ behind: 16 })],
  '431': [({ raw }) => raw({ headers: [`X-Padding: ${'p'.repeat(20_000)}`] })],
  '501': [({ raw }) => raw({ method: 'FOO' })],
  '505': [({ raw }) => raw({ version: 'HTTP/2.0' })],
};

/** Every request this test makes of one operation, by the status it should get. */
function scenariosOf(operation: Operation): Record<string, Scenario[]> {
  const byStatus = sharedScenarios(operation);
  for (const more of [routeScenarios(operation), HTTP_LAYER_SCENARIOS])
    for (const [status, scenarios] of Object.entries(more))
      byStatus[status] = [...(byStatus[status] ?? []), ...scenarios];
  for (const [key, scenarios] of Object.entries(SCENARIOS)) {
    const status = key.slice(operation.key.length + 1);
    if (key.startsWith(`${operation.key} `) && /^\d{3}$/.test(status))
      byStatus[status] = [...scenarios, ...(byStatus[status] ?? [])];
  }
  return byStatus;
}

describe('The OpenAPI contract (docs/openapi.yaml against the running service)', () => {
  let service: TestService;
  let brokenService: TestService | undefined;
  let impatientService: TestService | undefined;
  let keylessService: TestService | undefined;
  let unreachableService: TestService | undefined;
  const clock = new FixedClock(new Date());

  before(async () => {
    service = await TestService.start(SQLITE, { clock });
  });
  after(async () => {
    await service.stop();
    await brokenService?.stop();
    await impatientService?.stop();
    await keylessService?.stop();
    await unreachableService?.stop();
  });
  beforeEach(() => clock.set(new Date()));

  function scene(operation: Pick<Operation, 'method' | 'path'>): Scene {
    const later = (minutes: number) => new Date(clock.now().getTime() + minutes * MINUTE).toISOString();
    const verb = (id: string, name: string) => service.request('POST', `/api/v1/campaigns/${id}/${name}`);
    const scene: Scene = {
      service,
      clock,
      call({ id = '1', query = '', on = service, method = operation.method, pathSuffix = '', ...options } = {}) {
        return on.request(method, `${operation.path.replace('{id}', id)}${pathSuffix}${query}`, options);
      },
      async campaign(state) {
        const id = await service.createCampaign({ startAt: later(10), endAt: later(100) });
        if (state === 'expired') clock.advance(200 * MINUTE);
        if (state !== 'scheduled' && state !== 'expired') await verb(id, 'start');
        if (state === 'paused' || state === 'paused-expired') await verb(id, 'pause');
        if (state === 'running-expired' || state === 'paused-expired') clock.advance(200 * MINUTE);
        return id;
      },
      async unreachable() {
        if (unreachableService === undefined) {
          const target = new URL(TEST_POSTGRES_URL);
          const proxy = await SilenceableProxy.start(target.hostname, Number(target.port || 5432));
          const database = await POSTGRES.create();
          unreachableService = await TestService.start(POSTGRES, {
            database: { ...database, env: { ...database.env, DATABASE_URL: proxy.in(TEST_POSTGRES_URL) } },
          });
          await proxy.close();
        }
        return unreachableService;
      },
      async broken() {
        if (brokenService === undefined) {
          brokenService = await TestService.start(SQLITE);
          await brokenService.db.destroy();
        }
        return brokenService;
      },
      async raw({
        on = service,
        method = operation.method,
        headers = [],
        withoutHost = false,
        version = 'HTTP/1.1',
        stall = false,
        behind = 0,
      } = {}) {
        const lines = [
          `${method} ${operation.path.replace('{id}', '1')} ${version}`,
          ...(withoutHost ? [] : ['Host: contract.test']),
          `Authorization: Bearer ${on.defaultToken}`,
          ...headers,
          'Connection: close',
        ];
        const request = `${lines.join('\r\n')}\r\n${stall ? '' : '\r\n'}`;
        const before = 'GET /health/live HTTP/1.1\r\nHost: contract.test\r\n\r\n'.repeat(behind);
        const answer =
          behind === 0
            ? await rawExchange(on.url, Buffer.from(request, 'latin1'))
            : (await rawExchangeInParts(on.url, [Buffer.from(before + request, 'latin1')], 0)).answers[behind]!;
        const text = Buffer.from(answer.body, 'latin1').toString('utf8');
        return {
          status: answer.status,
          headers: new Headers(answer.headers),
          text,
          body: text === '' ? undefined : JSON.parse(text),
        };
      },
      async impatient() {
        impatientService ??= await TestService.start(SQLITE, { env: { HTTP_HEADERS_TIMEOUT_MS: '300' } });
        return impatientService;
      },
      async keyless() {
        // Port 9 (discard) has no listener here: the key set's fetch is refused.
        keylessService ??= await TestService.start(SQLITE, {
          env: { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json' },
        });
        const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const token = `${part({ alg: 'RS256', kid: 'k1' })}.${part({ sub: 'x', exp: 4_000_000_000 })}.${part({ s: 1 })}`;
        return { on: keylessService, token };
      },
    };
    return scene;
  }

  async function expectDocumented(label: string, responses: Record<string, object>, status: string, answers: Answer[]) {
    for (const answer of answers) {
      expect(contract.problemsWith(label, responses, answer)).to.deep.equal([]);
      expect(answer.status, `${label}: ${answer.text.slice(0, 300)}`).to.equal(Number(status));
    }
  }

  it('is OpenAPI 3.1 and every schema in it compiles as JSON Schema 2020-12', () => {
    expect(contract.document.openapi).to.match(/^3\.1\.\d+$/);
    expect(contract.compileAll()).to.be.greaterThan(50);
  });

  it('declares no header parameter that OpenAPI 3.1 says tools ignore (Accept, Content-Type, Authorization)', () => {
    const ignored = contract
      .operations()
      .flatMap((o) => o.parameters.filter((p) => p.in === 'header').map((p) => `${o.key}: ${p.name}`))
      .filter((declared) => /: (accept|content-type|authorization)$/i.test(declared));
    expect(ignored).to.deep.equal([]);
  });

  it('is served at GET /openapi.json, exactly as docs/openapi.yaml says', async () => {
    const answer = await service.request('GET', '/openapi.json', { token: null });
    expect(JSON.parse(answer.text)).to.deep.equal(contract.document);
  });

  it('documents every route the app serves, and the app serves every route it documents', () => {
    const documented = contract
      .operations()
      .map((o) => o.key)
      .sort();
    expect(servedRoutes(service.running.app)).to.deep.equal(documented);
  });

  it('makes requests only of operations the document lists', () => {
    const documented = new Set(contract.operations().map((o) => o.key));
    expect(
      Object.keys(SCENARIOS)
        .map((key) => key.replace(/ \d{3}$/, ''))
        .filter((op) => !documented.has(op)),
    ).to.deep.equal([]);
  });

  // Every documented status, and every status a request here produces (documented or not, so a real answer
  // the document does not list fails).
  for (const operation of contract.operations()) {
    const scenarios = scenariosOf(operation);
    const statuses = [...new Set([...Object.keys(operation.responses), ...Object.keys(scenarios)])].sort();
    for (const status of statuses) {
      it(`${operation.key} answers ${status} as documented`, async () => {
        expect(
          scenarios[status] ?? [],
          `no request in this test produces ${status} for ${operation.key}: add one, or drop the answer from the document`,
        ).not.to.be.empty;
        const answers: Answer[] = [];
        for (const scenario of scenarios[status]!) answers.push(await scenario(scene(operation)));
        await expectDocumented(operation.key, operation.responses, status, answers);
      });
    }
  }

  it('answers a path that is no route at all as NoSuchRoute documents', async () => {
    const answer = await scene({ method: 'GET', path: '/no/such/route' }).call();
    await expectDocumented('GET /no/such/route', { '404': { $ref: '#/components/responses/NoSuchRoute' } }, '404', [
      answer,
    ]);
  });
});

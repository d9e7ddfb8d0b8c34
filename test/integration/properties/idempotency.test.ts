import fc from 'fast-check';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { type Answer, TestService } from '../../support/test-service.js';

type Verb = 'start' | 'pause' | 'resume' | 'terminate' | 'modify' | 'delete';

interface Step {
  caller: 'alice' | 'bob';
  key: string | undefined;
  campaign: 0 | 1;
  verb: Verb;
  query: '' | 'restart=true' | 'restart=false';
  body: Record<string, unknown> | undefined;
  /** How the body is written: the same JSON with other key orders and whitespace is the same request. */
  spelling: { reversed: boolean; indent: 0 | 2; padded: boolean };
}

const bodyFor = (verb: Verb): fc.Arbitrary<Record<string, unknown> | undefined> =>
  verb === 'modify'
    ? fc.record(
        {
          name: fc.constantFrom('A', 'B'),
          description: fc.constantFrom(null, 'x', 'é🎉'),
          tags: fc.constantFrom(['a', 'b'], { z: 1, a: [2] }),
        },
        { requiredKeys: ['name'] },
      )
    : fc.option(fc.constantFrom({}, { note: 'n' }, { note: 'n', at: 1 }), { nil: undefined });

const step: fc.Arbitrary<Step> = fc
  .constantFrom<Verb>('start', 'pause', 'resume', 'terminate', 'modify', 'modify', 'delete')
  .chain((verb) =>
    fc.record({
      caller: fc.constantFrom<'alice' | 'bob'>('alice', 'alice', 'bob'),
      key: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined, freq: 5 }),
      campaign: fc.constantFrom<0 | 1>(0, 1),
      verb: fc.constant(verb),
      query:
        verb === 'modify'
          ? fc.constantFrom<Step['query']>('', '', 'restart=true', 'restart=false')
          : fc.constant<Step['query']>(''),
      body: bodyFor(verb),
      spelling: fc.record({ reversed: fc.boolean(), indent: fc.constantFrom<0 | 2>(0, 2), padded: fc.boolean() }),
    }),
  );

/** The request as the service must tell it apart: sorted keys, no whitespace. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function spelled(body: Record<string, unknown>, { reversed, indent, padded }: Step['spelling']): string {
  const reorder = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(reorder);
    if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      return Object.fromEntries(
        (reversed ? keys.reverse() : keys).map((k) => [k, reorder((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  const text = JSON.stringify(reorder(body), null, indent);
  return padded ? ` \n${text}\t ` : text;
}

/** Whether an accepted step changes the campaign (so writes an event), applying it to the model of it. */
function changedBy(s: Step, campaign: { name: string; description: unknown; ended: boolean }): boolean {
  if (s.verb !== 'modify') {
    if (s.verb === 'terminate') campaign.ended = true;
    return true;
  }
  const restarting = campaign.ended && s.query === 'restart=true';
  const { name, description } = s.body ?? {};
  const changed =
    restarting ||
    (name !== undefined && name !== campaign.name) ||
    (description !== undefined && description !== campaign.description);
  if (name !== undefined) campaign.name = name as string;
  if (description !== undefined) campaign.description = description;
  if (restarting) campaign.ended = false;
  return changed;
}

let round = 0;

for (const kind of DATABASE_KINDS) {
  describe(`Generated request sequences sharing Idempotency-Keys (${kind.name})`, function () {
    this.timeout(propertyTimeoutMs(120_000));
    let service: TestService;
    const tokens: Record<string, string> = {};
    before(async () => {
      service = await TestService.start(kind);
      tokens.alice = await service.token('alice');
      tokens.bob = await service.token('bob');
    });
    after(() => service.stop());

    it('replay the first answer byte for byte, refuse anything else under a used key with 422, and write one event per change', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
          round++;
          const ids = [await service.createCampaign(), await service.createCampaign()];
          const firstAnswers = new Map<string, { request: string; answer: Answer }>();
          const changes = new Map<string, number>(ids.map((id) => [id, 0]));
          /** What a modify compares with: a modify that changes nothing writes no event. */
          const stored = new Map(
            ids.map((id) => [id, { name: 'Spring sale', description: null as unknown, ended: false }]),
          );
          for (const s of steps) {
            const id = ids[s.campaign]!;
            const path = `/api/v1/campaigns/${id}/${s.verb}${s.query ? `?${s.query}` : ''}`;
            const headers: Record<string, string> =
              s.key === undefined ? {} : { 'idempotency-key': `${s.key}-${round}` };
            if (s.body !== undefined) headers['content-type'] = 'application/json';
            const answer = await service.request('POST', path, {
              token: tokens[s.caller]!,
              headers,
              ...(s.body !== undefined ? { rawBody: spelled(s.body, s.spelling) } : {}),
            });
            expect(answer.status, answer.text).to.be.below(500);
            const request = `${s.verb} ${id} ${s.query} ${s.body === undefined ? '' : canonical(s.body)}`;
            const keyOfCaller = s.key === undefined ? undefined : `${s.caller} ${s.key}`;
            const first = keyOfCaller === undefined ? undefined : firstAnswers.get(keyOfCaller);
            if (first !== undefined && first.request === request) {
              expect(answer.status, `replay of ${request}`).to.equal(first.answer.status);
              expect(answer.text, `replay of ${request}`).to.equal(first.answer.text);
              continue;
            }
            if (first !== undefined) {
              expect(answer.status, `${request} under the key of ${first.request}`).to.equal(422);
              expect(answer.body.code).to.equal('IDEMPOTENCY_KEY_REUSED');
              continue;
            }
            if (keyOfCaller !== undefined) firstAnswers.set(keyOfCaller, { request, answer });
            if (answer.status === 200 && changedBy(s, stored.get(id)!)) changes.set(id, changes.get(id)! + 1);
          }
          const events = await service.outboxRows();
          for (const id of ids) {
            expect(
              events.filter((e) => e.aggregate_id === id),
              `events of campaign ${id}`,
            ).to.have.length(changes.get(id)!);
          }
        }),
        propertyParameters(30),
      );
    });

    it('take creates under keys too: a repeat answers the first id and creates nothing, another create under the key is 422, concurrent ones make one campaign', async () => {
      const create = fc.record({
        caller: fc.constantFrom<'alice' | 'bob'>('alice', 'alice', 'bob'),
        key: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined, freq: 5 }),
        body: fc.record(
          { name: fc.constantFrom('A', 'B'), description: fc.constantFrom(null, 'x', 'é🎉') },
          { requiredKeys: ['name'] },
        ),
        together: fc.boolean(),
        spelling: fc.record({ reversed: fc.boolean(), indent: fc.constantFrom<0 | 2>(0, 2), padded: fc.boolean() }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(create, { minLength: 1, maxLength: 10 }), async (creates) => {
          round++;
          const send = (c: (typeof creates)[number]) =>
            service.request('POST', '/api/v1/campaigns', {
              token: tokens[c.caller]!,
              headers: {
                'content-type': 'application/json',
                ...(c.key === undefined ? {} : { 'idempotency-key': `create-${c.key}-${round}` }),
              },
              rawBody: spelled(c.body, c.spelling),
            });
          const created = new Set<string>();
          const firstAnswers = new Map<string, { request: string; text: string }>();
          for (let i = 0; i < creates.length; i++) {
            const c = creates[i]!;
            // A create sent together with an identical one under the same key: one of them decides.
            const answers = c.together && c.key !== undefined ? await Promise.all([send(c), send(c)]) : [await send(c)];
            const request = canonical(c.body);
            const keyOfCaller = c.key === undefined ? undefined : `${c.caller} ${c.key}`;
            const first = keyOfCaller === undefined ? undefined : firstAnswers.get(keyOfCaller);
            for (const answer of answers) {
              if (first !== undefined && first.request !== request) {
                expect(answer.status, `${request} under the key of ${first.request}`).to.equal(422);
                expect(answer.body.code).to.equal('IDEMPOTENCY_KEY_REUSED');
                continue;
              }
              expect(answer.status, answer.text).to.equal(200);
              if (first !== undefined) expect(answer.text, `replay of ${request}`).to.equal(first.text);
              created.add(answer.body.id);
            }
            if (keyOfCaller !== undefined && first === undefined)
              firstAnswers.set(keyOfCaller, { request, text: answers[0]!.text });
            if (answers.length === 2 && answers[0]!.status === 200)
              expect(answers[1]!.text, 'two identical creates at once').to.equal(answers[0]!.text);
          }
          const expected = creates.filter((c, i) => {
            if (c.key === undefined) return true;
            return creates.findIndex((earlier) => earlier.key === c.key && earlier.caller === c.caller) === i;
          }).length;
          expect(created.size, 'campaigns created').to.equal(expected);
          for (const id of created) {
            expect((await service.request('GET', `/api/v1/campaigns/${id}`)).status).to.equal(200);
          }
        }),
        propertyParameters(30),
      );
    });

    it('let one of two concurrent requests under a fresh key decide: the other replays its answer or, if it differs, gets 422', async () => {
      await fc.assert(
        fc.asyncProperty(step, step, async (one, other) => {
          round++;
          const id = await service.createCampaign();
          await service.request('POST', `/api/v1/campaigns/${id}/start`);
          const send = (s: Step) =>
            service.request('POST', `/api/v1/campaigns/${id}/${s.verb}${s.query ? `?${s.query}` : ''}`, {
              headers: {
                'idempotency-key': `race-${round}`,
                ...(s.body !== undefined ? { 'content-type': 'application/json' } : {}),
              },
              ...(s.body !== undefined ? { rawBody: spelled(s.body, s.spelling) } : {}),
            });
          const answers = await Promise.all([send(one), send(other)]);
          for (const answer of answers) expect(answer.status, answer.text).to.be.below(500);
          const same = (s: Step) => `${s.verb} ${s.query} ${s.body === undefined ? '' : canonical(s.body)}`;
          const [a, b] = answers as [Answer, Answer];
          if (same(one) === same(other)) {
            expect(b.status).to.equal(a.status);
            expect(b.text).to.equal(a.text);
          } else {
            expect(
              [a.status, b.status].filter((status) => status === 422),
              `${a.text} / ${b.text}`,
            ).to.have.length(1);
          }
          const decided = answers.filter((answer) => answer.status !== 422);
          const events = (await service.outboxRows()).filter((e) => e.aggregate_id === id);
          expect(events, 'the start and at most the one decided change').to.have.length(
            1 + (decided[0]!.status === 200 ? 1 : 0),
          );
        }),
        propertyParameters(30),
      );
    });
  });
}

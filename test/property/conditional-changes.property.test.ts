import fc from 'fast-check';
import type { Context } from 'koa';
import { entityTagOf, ifMatchVersions, ifNoneMatchNames } from '../../src/adapters/http/campaign-versions.js';
import { RequestRefused } from '../../src/adapters/http/request-refused.js';
import { CampaignChangedSinceRead, CampaignCommandRunner } from '../../src/application/index.js';
import { type Act, type Campaign, CampaignId } from '../../src/domain/index.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../fakes/sequential-ids.js';
import { campaignIn, hoursLater } from '../mothers/campaign-mother.js';
import { expect } from '../support/expect.js';
import { propertyParameters } from '../support/property-runs.js';

const RUNS = 300;

/** A request's headers, as Koa hands them to the routes. */
const withHeaders = (headers: Record<string, string>) => ({ req: { headers } }) as unknown as Context;

type Tag = { kind: 'version'; version: number } | { kind: 'weak'; version: number } | { kind: 'other'; opaque: string };

const OPAQUE = fc
  .array(fc.constantFrom(...'abcXYZ-_.:/!#~0123456789'.split('')), { maxLength: 12 })
  .map((chars) => chars.join(''))
  .filter((opaque) => !/^[1-9][0-9]{0,14}$/.test(opaque));
const TAG: fc.Arbitrary<Tag> = fc.oneof(
  fc.integer({ min: 1, max: 60 }).map((version) => ({ kind: 'version' as const, version })),
  fc.integer({ min: 1, max: 60 }).map((version) => ({ kind: 'weak' as const, version })),
  OPAQUE.map((opaque) => ({ kind: 'other' as const, opaque })),
);
const SPACE = fc.constantFrom('', ' ', '\t', '  ');
const SEPARATOR = fc.tuple(SPACE, fc.constantFrom(',', ', ,'), SPACE).map((parts) => parts.join(''));

const rendered = (tag: Tag) =>
  tag.kind === 'version' ? entityTagOf(tag.version) : tag.kind === 'weak' ? `W/"${tag.version}"` : `"${tag.opaque}"`;

/** The list as a client may write it: any optional whitespace, empty elements between commas. */
const LIST = fc
  .tuple(fc.array(fc.tuple(TAG, SEPARATOR), { minLength: 1, maxLength: 6 }), SPACE, SPACE)
  .map(([items, before, after]) => ({
    tags: items.map(([tag]) => tag),
    header:
      before +
      items.map(([tag, separator], i) => rendered(tag) + (i < items.length - 1 ? separator : '')).join('') +
      after,
  }));

describe('Conditional changes (generated)', () => {
  it('If-Match names exactly the versions of its strong tags, whatever the whitespace and empty list elements', () => {
    fc.assert(
      fc.property(LIST, ({ tags, header }) => {
        const versions = tags.flatMap((tag) => (tag.kind === 'version' ? [tag.version] : []));
        expect(ifMatchVersions(withHeaders({ 'if-match': header }))).to.deep.equal(versions);
      }),
      propertyParameters(RUNS),
    );
  });

  it('If-None-Match names a version when any of its tags, weak or strong, is that version', () => {
    fc.assert(
      fc.property(LIST, fc.integer({ min: 1, max: 60 }), ({ tags, header }, version) => {
        const named = tags.some((tag) => tag.kind !== 'other' && tag.version === version);
        expect(ifNoneMatchNames(withHeaders({ 'if-none-match': header }), version)).to.equal(named);
      }),
      propertyParameters(RUNS),
    );
  });

  it('a precondition header that is not * or a list of entity tags is refused as INVALID_REQUEST, never failed', () => {
    const unquoted = LIST.chain(({ tags }) =>
      fc
        .nat({ max: tags.length - 1 })
        .map((broken) =>
          tags.map((tag, i) => (i === broken ? rendered(tag).replaceAll('"', '') : rendered(tag))).join(', '),
        ),
    );
    const anyText = fc.string({ unit: 'binary', maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(unquoted, anyText), fc.constantFrom('if-match', 'if-none-match'), (header, name) => {
        const request = withHeaders({ [name]: header });
        try {
          if (name === 'if-match') ifMatchVersions(request);
          else ifNoneMatchNames(request, 1);
        } catch (error) {
          expect(error).to.be.instanceOf(RequestRefused);
          expect(error).to.have.property('code', 'INVALID_REQUEST');
          return;
        }
        // Accepted: only * or a list of entity tags.
        expect(header.trim() === '*' || /"/.test(header)).to.equal(true);
      }),
      propertyParameters(RUNS),
    );
  });

  it('a command with versions named makes exactly the change the same command without them makes, while the campaign is at one of them, and otherwise nothing', async () => {
    const VERBS: Record<string, (campaign: Campaign, act: Act) => void> = {
      start: (c, act) => c.start({ ...act, trigger: 'manual' }),
      pause: (c, act) => c.pause(act),
      resume: (c, act) => c.resume(act),
      terminate: (c, act) => c.terminate(act),
      rename: (c, act) => c.modify({ name: `Name ${act.eventId}` }, act),
    };
    const step = fc.record({
      verb: fc.constantFrom(...Object.keys(VERBS)),
      named: fc.option(fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 3 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const id = CampaignId.parse('21');
        const clock = new FixedClock(hoursLater(2));
        const conditional = new InMemoryUnitOfWork();
        const plain = new InMemoryUnitOfWork();
        for (const store of [conditional, plain]) store.put(campaignIn('scheduled', { id }));
        const conditionalRunner = new CampaignCommandRunner(conditional, clock, new SequentialIds());
        const plainRunner = new CampaignCommandRunner(plain, clock, new SequentialIds());
        for (const { verb, named } of steps) {
          const version = conditional.snapshotOf(id)!.version;
          const decide = VERBS[verb]!;
          const outcome = await conditionalRunner
            .run({ campaignId: id, actor: 'ann', ...(named !== undefined ? { ifVersionIn: named } : {}) }, decide)
            .then(
              () => 'done',
              (error: Error) => error,
            );
          if (named !== undefined && !named.includes(version)) {
            expect(outcome).to.be.instanceOf(CampaignChangedSinceRead);
            expect((outcome as CampaignChangedSinceRead).version).to.equal(version);
          } else {
            const expected = await plainRunner.run({ campaignId: id, actor: 'ann' }, decide).then(
              () => 'done',
              (error: Error) => error,
            );
            expect(outcome === 'done' ? 'done' : (outcome as Error).constructor).to.equal(
              expected === 'done' ? 'done' : (expected as Error).constructor,
            );
          }
          expect(conditional.snapshotOf(id)).to.deep.equal(plain.snapshotOf(id));
          expect(conditional.outbox.map((event) => event.type)).to.deep.equal(plain.outbox.map((event) => event.type));
        }
      }),
      propertyParameters(RUNS),
    );
  });
});

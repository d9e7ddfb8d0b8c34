import fc from 'fast-check';
import {
  CampaignAlreadyExists,
  type IdempotencyKey,
  IdempotencyKeyTaken,
  ONE_CHANGE,
  type StoredOutcome,
  type UnitOfWork,
} from '../../../src/application/index.js';
import { Campaign, CampaignId } from '../../../src/domain/index.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';

/** One implementation of the write port, opened on an empty store of its own. */
export interface WritePortImplementation {
  name: string;
  open(): Promise<OpenWritePort>;
}

export interface OpenWritePort {
  unitOfWork: UnitOfWork;
  /** The event ids of the committed outbox, in the order a relay publishes them. */
  committedEventIds(): Promise<string[]>;
  close(): Promise<void>;
}

const NOW = new Date('2030-01-01T12:00:00.000Z');
const LATER = new Date('2030-01-01T12:05:00.000Z');
let lastId = 0;
const freshId = () => CampaignId.parse(String(1_000 + ++lastId));

function scheduledCampaign(id = freshId()): Campaign {
  return Campaign.create(
    {
      id,
      name: `Spring sale ${id}`,
      description: 'twenty percent off',
      startAt: new Date('2030-03-01T09:00:00.000Z'),
      endAt: new Date('2030-04-01T09:00:00.000Z'),
      zone: 'Europe/Paris',
      createdBy: 'planner',
    },
    NOW,
  );
}

const start = (campaign: Campaign, eventId: string) =>
  campaign.start({ now: LATER, eventId, by: 'operator', trigger: 'manual' });

const resultOutcome = (value: unknown): StoredOutcome => ({
  fingerprint: 'POST /campaigns/1/start -',
  kind: 'result',
  value,
});
const refusalOutcome: StoredOutcome = {
  fingerprint: 'POST /campaigns/1/start -',
  kind: 'refusal',
  code: 'CAMPAIGN_NOT_STARTABLE',
  message: 'campaign 1 is running',
  details: { status: 'running' },
  requestId: 'req-1',
};
let lastKey = 0;
const freshKey = (owner = 'client-a'): IdempotencyKey => ({
  owner,
  key: `key-${++lastKey}`,
  fingerprint: 'POST /campaigns/1/start -',
});

/**
 * What every implementation of the write port (`UnitOfWork` and the transaction's ports) must do, whatever it
 * stores into: the use cases rely on exactly this and nothing more.
 */
export function writePortContract(implementation: WritePortImplementation): void {
  describe(`The write port: ${implementation.name}`, () => {
    let port: OpenWritePort;
    let unitOfWork: UnitOfWork;
    before(async () => {
      port = await implementation.open();
      unitOfWork = port.unitOfWork;
    });
    after(() => port.close());

    const stored = (id: CampaignId) => unitOfWork.run(async (tx) => (await tx.campaigns.find(id))?.snapshot());
    const eventsOf = async (eventIds: string[]) =>
      (await port.committedEventIds()).filter((id) => eventIds.includes(id));

    describe('finding a campaign', () => {
      it('finds nothing under an id never stored', async () => {
        expect(await stored(freshId())).to.equal(undefined);
      });

      it('gives back an inserted campaign field for field, in the unit that inserted it and in later ones', async () => {
        const campaign = scheduledCampaign();
        const seenByItsUnit = await unitOfWork.run(async (tx) => {
          await tx.campaigns.insert(campaign);
          return (await tx.campaigns.find(campaign.id))?.snapshot();
        });
        expect(seenByItsUnit).to.deep.equal(campaign.snapshot());
        expect(await stored(campaign.id)).to.deep.equal(campaign.snapshot());
      });

      it('gives back every instant of the range exactly, written and changed, whatever time zone the process runs in (generated)', async () => {
        // Zones whose offsets before standard time had seconds (local mean time), and one an hour ahead of it.
        const zones = ['America/New_York', 'Asia/Kolkata', 'Europe/Amsterdam', 'Pacific/Chatham', 'UTC'];
        const instant = fc.date({
          min: new Date('0001-01-01T14:00:00.000Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        });
        const zoneBefore = process.env.TZ;
        try {
          await fc.assert(
            fc.asyncProperty(
              fc.constantFrom(...zones),
              fc.uniqueArray(instant, { minLength: 2, maxLength: 2, selector: (date) => date.getTime() }),
              async (zone, [one, other]) => {
                process.env.TZ = zone;
                const [startAt, endAt] = one! < other! ? [one!, other!] : [other!, one!];
                const campaign = Campaign.create(
                  { id: freshId(), name: 'dated', startAt, endAt, createdBy: 'planner' },
                  startAt,
                );
                await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
                const changed = await unitOfWork.run(async (tx) => {
                  const found = (await tx.campaigns.find(campaign.id))!;
                  found.start({ now: startAt, eventId: `started-${campaign.id}`, by: 'operator', trigger: 'manual' });
                  await tx.campaigns.update(found, 1);
                  return found.snapshot();
                });
                const read = await stored(campaign.id);
                const instants = (snapshot: typeof read) => [
                  snapshot?.startAt,
                  snapshot?.endAt,
                  snapshot?.createdAt,
                  snapshot?.startedAt,
                  snapshot?.updatedAt,
                ];
                expect(
                  instants(read).map((date) => date?.toISOString()),
                  zone,
                ).to.deep.equal(instants(changed).map((date) => date?.toISOString()));
              },
            ),
            propertyParameters(40),
          );
        } finally {
          if (zoneBefore === undefined) delete process.env.TZ;
          else process.env.TZ = zoneBefore;
        }
      });

      it('keeps a 64-bit id exact', async () => {
        const campaign = scheduledCampaign(CampaignId.parse('9223372036854775807'));
        await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        expect((await stored(campaign.id))?.id.toString()).to.equal('9223372036854775807');
      });
    });

    describe('saving a campaign with the version check', () => {
      it('refuses to insert under a taken id and keeps the stored campaign', async () => {
        const campaign = scheduledCampaign();
        await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        const rival = Campaign.create({ id: campaign.id, name: 'rival', createdBy: 'someone else' }, LATER);
        await expect(unitOfWork.run((tx) => tx.campaigns.insert(rival))).to.be.rejectedWith(CampaignAlreadyExists);
        expect((await stored(campaign.id))?.name).to.equal(campaign.snapshot().name);
      });

      it('writes a change made from the stored version', async () => {
        const campaign = scheduledCampaign();
        await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        const written = await unitOfWork.run(async (tx) => {
          const found = (await tx.campaigns.find(campaign.id))!;
          start(found, `started-${campaign.id}`);
          return tx.campaigns.update(found, 1);
        });
        expect(written).to.equal(true);
        expect(await stored(campaign.id)).to.include({ status: 'running', version: 2 });
      });

      it('writes nothing and answers false when another writer changed the campaign since it was read', async () => {
        const campaign = scheduledCampaign();
        await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        const readEarlier = await unitOfWork.run(async (tx) => (await tx.campaigns.find(campaign.id))!);
        await unitOfWork.run(async (tx) => {
          const found = (await tx.campaigns.find(campaign.id))!;
          start(found, `first-${campaign.id}`);
          await tx.campaigns.update(found, 1);
        });
        readEarlier.modify({ name: 'stale edit' }, { now: LATER, eventId: `stale-${campaign.id}`, by: 'late writer' });
        expect(await unitOfWork.run((tx) => tx.campaigns.update(readEarlier, 1))).to.equal(false);
        expect(await stored(campaign.id)).to.include({ name: campaign.snapshot().name, status: 'running', version: 2 });
      });

      it('answers false for a change of a campaign that is not stored', async () => {
        expect(await unitOfWork.run((tx) => tx.campaigns.update(scheduledCampaign(), 1))).to.equal(false);
      });

      it('removes a campaign at the version read, and only at that version', async () => {
        const campaign = scheduledCampaign();
        await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        expect(await unitOfWork.run((tx) => tx.campaigns.remove(campaign, 7))).to.equal(false);
        expect(await stored(campaign.id)).to.not.equal(undefined);
        expect(await unitOfWork.run((tx) => tx.campaigns.remove(campaign, 1))).to.equal(true);
        expect(await stored(campaign.id)).to.equal(undefined);
      });

      it('lets exactly one of several concurrent changes from the same version win, with one event', async () => {
        const campaign = scheduledCampaign();
        await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        const eventIds = Array.from({ length: 6 }, (_, i) => `race-${campaign.id}-${i}`);
        const outcomes = await Promise.allSettled(
          eventIds.map((eventId) =>
            unitOfWork.run(async (tx) => {
              const found = (await tx.campaigns.find(campaign.id))!;
              const readVersion = found.version;
              start(found, eventId);
              if (!(await tx.campaigns.update(found, readVersion))) throw new Error('another start came first');
              await tx.outbox.append(found.pullEvents());
            }),
          ),
        );
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).to.have.length(1);
        expect(await eventsOf(eventIds)).to.have.length(1);
        expect(await stored(campaign.id)).to.include({ status: 'running', version: 2 });
      });
    });

    describe('saving a change with its events', () => {
      const save = (campaign: Campaign, readVersion: number) =>
        unitOfWork.run((tx) => tx.campaigns.saveChange(campaign, readVersion, campaign.pullEvents()));
      const readBack = (campaign: Campaign) => unitOfWork.run(async (tx) => (await tx.campaigns.find(campaign.id))!);

      it('writes a change made from the stored version and its events, in the order the change raised them', async () => {
        const campaign = scheduledCampaign();
        await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        const found = await readBack(campaign);
        start(found, `saved-start-${campaign.id}`);
        found.pause({ now: LATER, eventId: `saved-pause-${campaign.id}`, by: 'operator' });
        expect(await save(found, 1)).to.equal(true);
        expect(await stored(campaign.id)).to.include({ status: 'paused', version: found.version });
        const expected = [`saved-start-${campaign.id}`, `saved-pause-${campaign.id}`];
        expect(await eventsOf(expected)).to.deep.equal(expected);
      });

      it('writes neither the campaign nor its events, and answers false, when another writer came first', async () => {
        const campaign = scheduledCampaign();
        await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        const readEarlier = await readBack(campaign);
        const first = await readBack(campaign);
        start(first, `saved-first-${campaign.id}`);
        expect(await save(first, 1)).to.equal(true);
        readEarlier.modify({ name: 'stale edit' }, { now: LATER, eventId: `saved-stale-${campaign.id}`, by: 'late' });
        expect(await save(readEarlier, 1)).to.equal(false);
        expect(await stored(campaign.id)).to.include({ name: campaign.snapshot().name, status: 'running', version: 2 });
        expect(await eventsOf([`saved-stale-${campaign.id}`])).to.deep.equal([]);
      });

      it('answers false for a campaign that is not stored, and writes no event', async () => {
        const campaign = scheduledCampaign();
        start(campaign, `saved-missing-${campaign.id}`);
        expect(await save(campaign, 1)).to.equal(false);
        expect(await eventsOf([`saved-missing-${campaign.id}`])).to.deep.equal([]);
      });

      it('removes a deleted campaign with its event at the version read, and only at that version', async () => {
        const campaign = scheduledCampaign();
        await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        const stale = await readBack(campaign);
        stale.delete({ now: LATER, eventId: `saved-stale-delete-${campaign.id}`, by: 'operator' });
        expect(await save(stale, 7)).to.equal(false);
        expect(await stored(campaign.id)).to.not.equal(undefined);
        const found = await readBack(campaign);
        found.delete({ now: LATER, eventId: `saved-delete-${campaign.id}`, by: 'operator' });
        expect(await save(found, 1)).to.equal(true);
        expect(await stored(campaign.id)).to.equal(undefined);
        expect(await eventsOf([`saved-stale-delete-${campaign.id}`, `saved-delete-${campaign.id}`])).to.deep.equal([
          `saved-delete-${campaign.id}`,
        ]);
      });

      it('writes a change that raised no event', async () => {
        const campaign = scheduledCampaign();
        await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        const found = await readBack(campaign);
        start(found, `saved-quiet-${campaign.id}`);
        expect(await unitOfWork.run((tx) => tx.campaigns.saveChange(found, 1, []))).to.equal(true);
        expect(await stored(campaign.id)).to.include({ status: 'running', version: 2 });
        expect(await eventsOf([`saved-quiet-${campaign.id}`])).to.deep.equal([]);
      });

      it('lets exactly one of several concurrent saves from the same version win, with its event alone', async () => {
        const campaign = scheduledCampaign();
        await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        const eventIds = Array.from({ length: 6 }, (_, i) => `saved-race-${campaign.id}-${i}`);
        const outcomes = await Promise.allSettled(
          eventIds.map((eventId) =>
            unitOfWork.run(async (tx) => {
              const found = (await tx.campaigns.find(campaign.id))!;
              const readVersion = found.version;
              start(found, eventId);
              return (await tx.campaigns.saveChange(found, readVersion, found.pullEvents())) ? eventId : undefined;
            }),
          ),
        );
        const winners = outcomes.flatMap((outcome) =>
          outcome.status === 'fulfilled' && outcome.value !== undefined ? [outcome.value] : [],
        );
        expect(winners).to.have.length(1);
        expect(await eventsOf(eventIds)).to.deep.equal(winners);
        expect(await stored(campaign.id)).to.include({ status: 'running', version: 2 });
      });

      it('keeps neither the change nor its events when the unit fails after saving them', async () => {
        const campaign = scheduledCampaign();
        await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        await expect(
          unitOfWork.run(async (tx) => {
            const found = (await tx.campaigns.find(campaign.id))!;
            start(found, `saved-failed-${campaign.id}`);
            await tx.campaigns.saveChange(found, 1, found.pullEvents());
            throw new Error('changed its mind');
          }),
        ).to.be.rejectedWith('changed its mind');
        expect(await stored(campaign.id)).to.include({ status: 'scheduled', version: 1 });
        expect(await eventsOf([`saved-failed-${campaign.id}`])).to.deep.equal([]);
      });
    });

    describe('a unit told that its one write is a saved change', () => {
      const startAlone = (campaign: Campaign, eventId: string) =>
        unitOfWork.run(async (tx) => {
          const found = (await tx.campaigns.find(campaign.id))!;
          const readVersion = found.version;
          start(found, eventId);
          return (await tx.campaigns.saveChange(found, readVersion, found.pullEvents())) ? eventId : undefined;
        }, ONE_CHANGE);

      it('keeps the change and its events once it has answered', async () => {
        const campaign = scheduledCampaign();
        await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        expect(await startAlone(campaign, `alone-${campaign.id}`)).to.equal(`alone-${campaign.id}`);
        expect(await stored(campaign.id)).to.include({ status: 'running', version: 2 });
        expect(await eventsOf([`alone-${campaign.id}`])).to.deep.equal([`alone-${campaign.id}`]);
      });

      it('lets exactly one of several concurrent units from the same version win, with its event alone', async () => {
        const campaign = scheduledCampaign();
        await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        const eventIds = Array.from({ length: 6 }, (_, i) => `alone-race-${campaign.id}-${i}`);
        const outcomes = await Promise.allSettled(eventIds.map((eventId) => startAlone(campaign, eventId)));
        const winners = outcomes.flatMap((outcome) =>
          outcome.status === 'fulfilled' && outcome.value !== undefined ? [outcome.value] : [],
        );
        expect(winners).to.have.length(1);
        expect(await eventsOf(eventIds)).to.deep.equal(winners);
        expect(await stored(campaign.id)).to.include({ status: 'running', version: 2 });
      });

      it('keeps nothing of a unit that fails before its write', async () => {
        const campaign = scheduledCampaign();
        await unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        await expect(
          unitOfWork.run(async (tx) => {
            const found = (await tx.campaigns.find(campaign.id))!;
            start(found, `alone-failed-${campaign.id}`);
            throw new Error('changed its mind');
          }, ONE_CHANGE),
        ).to.be.rejectedWith('changed its mind');
        expect(await stored(campaign.id)).to.include({ status: 'scheduled', version: 1 });
        expect(await eventsOf([`alone-failed-${campaign.id}`])).to.deep.equal([]);
      });
    });

    describe('a unit told that its one write is an insert', () => {
      const insertAlone = (campaign: Campaign) => unitOfWork.run((tx) => tx.campaigns.insert(campaign), ONE_CHANGE);

      it('keeps the new campaign once it has answered', async () => {
        const campaign = scheduledCampaign();
        await insertAlone(campaign);
        expect(await stored(campaign.id)).to.deep.equal(campaign.snapshot());
      });

      it('refuses an id already taken, whichever of several concurrent inserts took it, and keeps that one', async () => {
        const id = freshId();
        const rivals = Array.from({ length: 5 }, (_, i) =>
          Campaign.create({ id, name: `rival ${i}`, createdBy: 'planner' }, NOW),
        );
        const outcomes = await Promise.allSettled(rivals.map(insertAlone));
        const kept = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [rivals[i]!] : []));
        expect(kept).to.have.length(1);
        for (const outcome of outcomes)
          if (outcome.status === 'rejected') expect(outcome.reason).to.be.instanceOf(CampaignAlreadyExists);
        expect((await stored(id))?.name).to.equal(kept[0]!.snapshot().name);
      });

      it('stores every campaign of concurrent inserts but the one whose id is taken', async () => {
        const taken = scheduledCampaign();
        await insertAlone(taken);
        const others = [scheduledCampaign(), scheduledCampaign()];
        const rival = Campaign.create({ id: taken.id, name: 'rival', createdBy: 'someone else' }, LATER);
        const outcomes = await Promise.allSettled([others[0]!, rival, others[1]!].map(insertAlone));
        expect(outcomes.map((outcome) => outcome.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
        for (const campaign of [taken, ...others]) expect(await stored(campaign.id)).to.deep.equal(campaign.snapshot());
      });
    });

    describe('the outbox', () => {
      it('keeps the events of committed units in commit order, and those of one unit in the order appended', async () => {
        const [first, second] = [scheduledCampaign(), scheduledCampaign()];
        await unitOfWork.run(async (tx) => {
          await tx.campaigns.insert(first);
          await tx.campaigns.insert(second);
        });
        const appendStart = (campaign: Campaign, eventId: string) =>
          unitOfWork.run(async (tx) => {
            const found = (await tx.campaigns.find(campaign.id))!;
            start(found, eventId);
            await tx.campaigns.update(found, 1);
            await tx.outbox.append(found.pullEvents());
          });
        await appendStart(second, `order-${second.id}`);
        await appendStart(first, `order-${first.id}`);
        const both = await unitOfWork.run(async (tx) => {
          const [a, b] = [(await tx.campaigns.find(first.id))!, (await tx.campaigns.find(second.id))!];
          a.pause({ now: LATER, eventId: `order-pause-${first.id}`, by: 'operator' });
          b.pause({ now: LATER, eventId: `order-pause-${second.id}`, by: 'operator' });
          await tx.outbox.append([...b.pullEvents(), ...a.pullEvents()]);
          return [`order-pause-${second.id}`, `order-pause-${first.id}`];
        });
        const expected = [`order-${second.id}`, `order-${first.id}`, ...both];
        expect(await eventsOf(expected)).to.deep.equal(expected);
      });

      it('writes nothing for an empty list of events', async () => {
        const before = (await port.committedEventIds()).length;
        await unitOfWork.run((tx) => tx.outbox.append([]));
        expect(await port.committedEventIds()).to.have.length(before);
      });
    });

    describe('idempotency records', () => {
      it('finds nothing under a key never stored', async () => {
        expect(await unitOfWork.run((tx) => tx.idempotency.find(freshKey()))).to.equal(undefined);
      });

      it('gives back a stored result and a stored refusal exactly', async () => {
        const [forResult, forRefusal] = [freshKey(), freshKey()];
        const result = resultOutcome({ id: '1', status: 'running', tags: ['a', 'b'] });
        await unitOfWork.run(async (tx) => {
          await tx.idempotency.remember(forResult, result, NOW);
          await tx.idempotency.remember(forRefusal, refusalOutcome, NOW);
        });
        expect(await unitOfWork.run((tx) => tx.idempotency.find(forResult))).to.deep.equal(result);
        expect(await unitOfWork.run((tx) => tx.idempotency.find(forRefusal))).to.deep.equal(refusalOutcome);
      });

      it("keeps each caller's keys apart: the same key of another owner is another record", async () => {
        const mine = freshKey('client-a');
        const theirs = { ...mine, owner: 'client-b' };
        await unitOfWork.run((tx) => tx.idempotency.remember(mine, resultOutcome('mine'), NOW));
        expect(await unitOfWork.run((tx) => tx.idempotency.find(theirs))).to.equal(undefined);
        await unitOfWork.run((tx) => tx.idempotency.remember(theirs, resultOutcome('theirs'), NOW));
        expect(await unitOfWork.run((tx) => tx.idempotency.find(mine))).to.deep.equal(resultOutcome('mine'));
      });

      it('refuses a second outcome under a taken key and keeps the first', async () => {
        const key = freshKey();
        await unitOfWork.run((tx) => tx.idempotency.remember(key, resultOutcome('first'), NOW));
        await expect(
          unitOfWork.run((tx) => tx.idempotency.remember(key, resultOutcome('second'), LATER)),
        ).to.be.rejectedWith(IdempotencyKeyTaken);
        expect(await unitOfWork.run((tx) => tx.idempotency.find(key))).to.deep.equal(resultOutcome('first'));
      });
    });

    describe('a unit of work as a whole', () => {
      it('answers what its work answered', async () => {
        expect(await unitOfWork.run(async () => ({ answer: 42 }))).to.deep.equal({ answer: 42 });
      });

      it('keeps none of the writes of a unit that fails after making them: campaign, event and key', async () => {
        const campaign = scheduledCampaign();
        const key = freshKey();
        await expect(
          unitOfWork.run(async (tx) => {
            await tx.campaigns.insert(campaign);
            const found = (await tx.campaigns.find(campaign.id))!;
            start(found, `failed-${campaign.id}`);
            await tx.campaigns.update(found, 1);
            await tx.outbox.append(found.pullEvents());
            await tx.idempotency.remember(key, resultOutcome('never'), NOW);
            throw new Error('changed its mind');
          }),
        ).to.be.rejectedWith('changed its mind');
        expect(await stored(campaign.id)).to.equal(undefined);
        expect(await eventsOf([`failed-${campaign.id}`])).to.deep.equal([]);
        expect(await unitOfWork.run((tx) => tx.idempotency.find(key))).to.equal(undefined);
      });

      it('keeps none of the writes of a unit ended by a refusal, and takes the next unit as usual', async () => {
        const taken = scheduledCampaign();
        await unitOfWork.run((tx) => tx.campaigns.insert(taken));
        const other = scheduledCampaign();
        await expect(
          unitOfWork.run(async (tx) => {
            await tx.campaigns.insert(other);
            await tx.campaigns.insert(Campaign.create({ id: taken.id, name: 'again', createdBy: 'someone' }, NOW));
          }),
        ).to.be.rejectedWith(CampaignAlreadyExists);
        expect(await stored(other.id)).to.equal(undefined);
        await unitOfWork.run((tx) => tx.campaigns.insert(other));
        expect(await stored(other.id)).to.deep.equal(other.snapshot());
      });
    });
  });
}

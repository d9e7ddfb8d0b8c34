import { CountingStartRefusals } from '../../../../src/adapters/observability/counting-start-refusals.js';
import { CountingUnitOfWork } from '../../../../src/adapters/observability/counting-unit-of-work.js';
import { ServiceMetrics } from '../../../../src/adapters/observability/service-metrics.js';
import {
  type CampaignCommand,
  CampaignCommandRunner,
  type CommandAnswer,
  StartCampaign,
  type UseCase,
} from '../../../../src/application/index.js';
import { Campaign, CampaignId } from '../../../../src/domain/index.js';
import { FixedClock } from '../../../fakes/fixed-clock.js';
import { InMemoryUnitOfWork } from '../../../fakes/in-memory-unit-of-work.js';
import { SequentialIds } from '../../../fakes/sequential-ids.js';
import { startedEvent } from '../../../mothers/campaign-event-mother.js';
import { expect } from '../../../support/expect.js';

const id = CampaignId.parse('42');

describe('Counting starts and start refusals', () => {
  let store: InMemoryUnitOfWork;
  let metrics: ServiceMetrics;
  let startCampaign: UseCase<CampaignCommand, CommandAnswer>;

  const count = async (text: string) => {
    const line = (await metrics.exposition()).split('\n').find((l) => l.startsWith(text));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };

  beforeEach(() => {
    store = new InMemoryUnitOfWork();
    metrics = new ServiceMetrics();
    const clock = new FixedClock(new Date('2030-01-01T12:00:00Z'));
    const uow = new CountingUnitOfWork(store, metrics);
    startCampaign = new CountingStartRefusals(
      new StartCampaign(new CampaignCommandRunner(uow, clock, new SequentialIds())),
      metrics,
    );
    store.put(
      Campaign.create(
        { id, name: 'Spring sale', endAt: new Date('2030-03-01T00:00:00Z'), createdBy: 'alice' },
        clock.now(),
      ),
    );
  });

  it('counts a committed start once, by its trigger', async () => {
    await startCampaign.execute({ campaignId: id, actor: 'bob' });
    expect(await count('campaigns_started_total{trigger="manual"}')).to.equal(1);
    expect(await count('campaigns_started_total{trigger="schedule"}')).to.equal(0);
  });

  it('counts nothing more when an idempotent repeat answers the first start again', async () => {
    await startCampaign.execute({
      campaignId: id,
      actor: 'bob',
      idempotency: { key: 'k-1', fingerprint: `POST /campaigns/${id}/start -` },
    });
    await startCampaign.execute({
      campaignId: id,
      actor: 'bob',
      idempotency: { key: 'k-1', fingerprint: `POST /campaigns/${id}/start -` },
    });
    expect(await count('campaigns_started_total{trigger="manual"}')).to.equal(1);
    expect(await count('campaign_start_refusals_total')).to.equal(0);
  });

  it('counts nothing when the transaction that appended the start rolls back', async () => {
    const started = startedEvent('e-1', '42', new Date(), { trigger: 'schedule', startedBy: 'scheduler' });
    const work = new CountingUnitOfWork(store, metrics).run(async (tx) => {
      await tx.outbox.append([started]);
      throw new Error('lost the race');
    });
    await expect(work).to.be.rejectedWith('lost the race');
    expect(await count('campaigns_started_total{trigger="schedule"}')).to.equal(0);
    expect(store.outbox).to.have.length(0);
  });

  it('counts each refusal by its code, and not an unexpected failure', async () => {
    await startCampaign.execute({ campaignId: id, actor: 'bob' });
    await expect(startCampaign.execute({ campaignId: id, actor: 'bob' })).to.be.rejected;
    await expect(startCampaign.execute({ campaignId: CampaignId.parse('7'), actor: 'bob' })).to.be.rejected;
    store.beforeWork = async () => {
      throw new Error('connection lost');
    };
    await expect(startCampaign.execute({ campaignId: id, actor: 'bob' })).to.be.rejectedWith('connection lost');
    expect(await count('campaign_start_refusals_total{code="CAMPAIGN_NOT_STARTABLE"}')).to.equal(1);
    expect(await count('campaign_start_refusals_total{code="CAMPAIGN_NOT_FOUND"}')).to.equal(1);
    expect((await metrics.exposition()).match(/^campaign_start_refusals_total\{/gm)).to.have.length(2);
  });

  it('counts a refusal once, not again when an idempotent repeat answers it again', async () => {
    const repeat = {
      campaignId: CampaignId.parse('7'),
      actor: 'bob',
      idempotency: { key: 'k-2', fingerprint: 'POST /campaigns/7/start -' },
    };
    for (let attempt = 0; attempt < 4; attempt++) await expect(startCampaign.execute(repeat)).to.be.rejected;
    expect(await count('campaign_start_refusals_total{code="CAMPAIGN_NOT_FOUND"}')).to.equal(1);
  });

  it('counts a reused key each time, since each is refused anew', async () => {
    const first = { key: 'k-3', fingerprint: `POST /campaigns/${id}/start -` };
    await startCampaign.execute({ campaignId: id, actor: 'bob', idempotency: first });
    const reused = {
      campaignId: id,
      actor: 'bob',
      idempotency: { ...first, fingerprint: 'POST /campaigns/7/start -' },
    };
    await expect(startCampaign.execute(reused)).to.be.rejected;
    await expect(startCampaign.execute(reused)).to.be.rejected;
    expect(await count('campaign_start_refusals_total{code="IDEMPOTENCY_KEY_REUSED"}')).to.equal(2);
  });

  it('answers exactly what the use case answers', async () => {
    expect(await startCampaign.execute({ campaignId: id, actor: 'bob' })).to.deep.equal({ id: '42', version: 2 });
  });
});

import type { OutboxBacklog } from '../../../../src/adapters/observability/relay-status.js';
import { ServiceMetrics } from '../../../../src/adapters/observability/service-metrics.js';
import { expect } from '../../../support/expect.js';

function line(text: string, name: string): string | undefined {
  return text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
}

describe('ServiceMetrics', () => {
  it('reads the outbox backlog once per scrape for both gauges', async () => {
    let queries = 0;
    const oldest = new Date(Date.now() - 120_000);
    const metrics = new ServiceMetrics({
      backlog: async (): Promise<OutboxBacklog> => {
        queries++;
        return { count: 7, oldestCreatedAt: oldest };
      },
    });
    const text = await metrics.exposition();
    expect(queries).to.equal(1);
    expect(line(text, 'outbox_backlog_events')).to.equal('outbox_backlog_events 7');
    const age = Number(line(text, 'outbox_oldest_unpublished_age_seconds')!.split(' ')[1]);
    expect(age).to.be.within(120, 180);
  });

  it('reports an empty outbox as a backlog of 0 and an age of 0', async () => {
    const metrics = new ServiceMetrics({ backlog: async () => ({ count: 0, oldestCreatedAt: null }) });
    const text = await metrics.exposition();
    expect(line(text, 'outbox_backlog_events')).to.equal('outbox_backlog_events 0');
    expect(line(text, 'outbox_oldest_unpublished_age_seconds')).to.equal('outbox_oldest_unpublished_age_seconds 0');
  });

  it('still answers when the database does not, with NaN for the backlog', async () => {
    const metrics = new ServiceMetrics({ backlog: async () => Promise.reject(new Error('database down')) });
    const text = await metrics.exposition();
    expect(line(text, 'outbox_backlog_events')).to.match(/^outbox_backlog_events NaN$/i);
  });

  it('keeps each instance in a registry of its own, with the process metrics in each', async () => {
    const first = new ServiceMetrics();
    const second = new ServiceMetrics();
    first.startRefusals.inc({ code: 'CAMPAIGN_EXPIRED' });
    expect(await first.exposition()).to.contain('campaign_start_refusals_total{code="CAMPAIGN_EXPIRED"} 1');
    expect(await second.exposition()).not.to.contain('campaign_start_refusals_total{code="CAMPAIGN_EXPIRED"}');
    expect(await second.exposition()).to.match(/^process_cpu_user_seconds_total /m);
  });

  it('shows both start triggers from the beginning, at 0', async () => {
    const text = await new ServiceMetrics().exposition();
    expect(text).to.contain('campaigns_started_total{trigger="manual"} 0');
    expect(text).to.contain('campaigns_started_total{trigger="schedule"} 0');
  });
});

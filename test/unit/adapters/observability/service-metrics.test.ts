import fc from 'fast-check';
import { Gauge } from 'prom-client';
import type { OutboxBacklog } from '../../../../src/adapters/observability/relay-status.js';
import { ServiceMetrics } from '../../../../src/adapters/observability/service-metrics.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const metricNames = fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/).map((name) => `test_${name}`);
const labelValues = fc.string({ unit: 'grapheme', maxLength: 12 });

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

  it('still answers when the database does not, with NaN, spelled as the text format spells it, for the backlog and its age', async () => {
    const metrics = new ServiceMetrics({ backlog: async () => Promise.reject(new Error('database down')) });
    const text = await metrics.exposition();
    expect(line(text, 'outbox_backlog_events')).to.equal('outbox_backlog_events NaN');
    expect(line(text, 'outbox_oldest_unpublished_age_seconds')).to.equal('outbox_oldest_unpublished_age_seconds NaN');
  });

  it('writes every value that is not a number as NaN, whatever the metric and its labels', async () => {
    await fc.assert(
      fc.asyncProperty(metricNames, fc.array(labelValues, { maxLength: 3 }), async (name, values) => {
        const metrics = new ServiceMetrics();
        const gauge = new Gauge({
          name,
          help: 'a value that is not a number',
          labelNames: values.map((_, index) => `label_${index}`),
          registers: [metrics.registry],
        });
        gauge.set(Object.fromEntries(values.map((value, index) => [`label_${index}`, value])), Number.NaN);
        const samples = (await metrics.exposition()).split('\n').filter((l) => l.startsWith(name));
        expect(samples).to.have.length(1);
        expect(samples[0]).to.match(/ NaN$/);
      }),
      propertyParameters(50),
    );
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

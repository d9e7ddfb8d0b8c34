import type { Transaction, UnitOfWork, UnitOfWorkOptions } from '../../application/index.js';
import type { CampaignEvent } from '../../domain/index.js';
import type { ServiceMetrics } from './service-metrics.js';

/**
 * Counts the campaign starts that really happened: the CampaignStarted events of transactions that
 * committed. A start that lost a race, rolled back, or was answered again from an idempotency key adds nothing.
 */
export class CountingUnitOfWork implements UnitOfWork {
  constructor(
    private readonly inner: UnitOfWork,
    private readonly metrics: ServiceMetrics,
  ) {}

  async run<T>(work: (tx: Transaction) => Promise<T>, options?: UnitOfWorkOptions): Promise<T> {
    const appended: CampaignEvent[] = [];
    const result = await this.inner.run(
      (tx) =>
        work({
          ...tx,
          campaigns: {
            ...tx.campaigns,
            saveChange: async (campaign, expectedVersion, events) => {
              const written = await tx.campaigns.saveChange(campaign, expectedVersion, events);
              if (written) appended.push(...events);
              return written;
            },
          },
          outbox: {
            append: async (events) => {
              await tx.outbox.append(events);
              appended.push(...events);
            },
          },
        }),
      options,
    );
    for (const event of appended) {
      if (event.type === 'CampaignStarted') this.metrics.campaignsStarted.inc({ trigger: event.trigger });
    }
    return result;
  }
}

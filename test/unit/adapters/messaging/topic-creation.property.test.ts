import fc from 'fast-check';
import type { Admin } from 'kafkajs';
import { pino } from 'pino';
import { ensureTopic } from '../../../../src/adapters/messaging/kafka-topic.js';
import { logTopicLayout } from '../../../../src/adapters/messaging/topic-log.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

/** A cluster with `live` brokers answering, on which the topic exists already or is created as asked. */
function clusterAdmin(live: number, existing?: { replicas: number }): Admin {
  let replicas = existing?.replicas;
  return {
    describeCluster: async () => ({
      brokers: Array.from({ length: live }, (_, i) => ({ nodeId: i + 1, host: '127.0.0.1', port: 9092 + i })),
    }),
    createTopics: async ({ topics }: { topics: Array<{ replicationFactor: number }> }) => {
      if (replicas !== undefined) return false;
      replicas = topics[0]!.replicationFactor;
      return true;
    },
    fetchTopicMetadata: async () => ({
      topics: [
        {
          name: 'campaign-events',
          partitions: [0, 1, 2].map((partitionId) => ({
            partitionId,
            leader: 1,
            replicas: Array.from({ length: replicas! }, (_, i) => i + 1),
            isr: [],
          })),
        },
      ],
    }),
    describeConfigs: async () => ({ resources: [{ configEntries: [] }] }),
  } as unknown as Admin;
}

/** The warnings the service logs about the topic it created or found. */
function topicWarnings(layout: Parameters<typeof logTopicLayout>[1]): Array<{ msg: string; risk: string }> {
  const lines: string[] = [];
  logTopicLayout(pino({ level: 'warn' }, { write: (line: string) => lines.push(line) }), layout);
  return lines.map((line) => JSON.parse(line) as { msg: string; risk: string });
}

describe('The topic the service creates with fewer brokers live than the default replicas', () => {
  it('is reported as having fewer replicas than the default, naming how many brokers were live (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 }), async (live) => {
        const layout = await ensureTopic(clusterAdmin(live), { topic: 'campaign-events', partitions: 3 });
        expect(layout.replicationFactor).to.equal(live);
        const warnings = topicWarnings(layout).map((warning) => warning.risk);
        expect(warnings.some((risk) => risk.includes(`only ${live} brokers were live`))).to.equal(true);
      }),
      propertyParameters(20),
    );
  });

  it('is not reported when enough brokers were live, when the replicas were configured, or when the topic existed (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom('enough live', 'configured', 'existed'),
        async (live, replicas, why) => {
          const admin =
            why === 'existed'
              ? clusterAdmin(live, { replicas })
              : clusterAdmin(why === 'enough live' ? live + 2 : live);
          const settings = { topic: 'campaign-events', partitions: 3, replicationFactor: replicas };
          const layout = await ensureTopic(
            admin,
            why === 'configured' ? settings : { ...settings, replicationFactor: undefined },
          );
          expect(topicWarnings(layout).filter((warning) => warning.risk.includes('brokers were live'))).to.deep.equal(
            [],
          );
        },
      ),
      propertyParameters(100),
    );
  });
});

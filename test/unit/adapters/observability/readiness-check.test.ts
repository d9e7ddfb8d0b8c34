import { ReadinessCheck, type ReadinessSources } from '../../../../src/adapters/observability/readiness-check.js';
import type { OutboxBacklog, RelayStatus } from '../../../../src/adapters/observability/relay-status.js';
import type { Outage } from '../../../../src/adapters/persistence/database-outages.js';
import type { DatabaseProbeResult } from '../../../../src/adapters/persistence/knex/knex-database-probe.js';
import { expect } from '../../../support/expect.js';

const NOW = new Date('2030-01-01T12:00:00.000Z');

function sources(
  overrides: {
    database?: DatabaseProbeResult;
    backlog?: OutboxBacklog | Error;
    relay?: RelayStatus;
    stopping?: boolean;
    writes?: Outage;
  } = {},
): ReadinessSources {
  const backlog = overrides.backlog ?? { count: 0, oldestCreatedAt: null };
  return {
    database: { check: async () => overrides.database ?? { up: true, latencyMs: 0.4 } },
    backlog: { backlog: async () => (backlog instanceof Error ? Promise.reject(backlog) : backlog) },
    relay: overrides.relay === undefined ? undefined : { relayStatus: () => overrides.relay! },
    stopping: () => overrides.stopping ?? false,
    writes: { current: () => overrides.writes },
    now: () => NOW,
  };
}

describe('ReadinessCheck', () => {
  it('is ready when the database answers, and tells the outbox backlog and the age of its oldest event', async () => {
    const report = await new ReadinessCheck(
      sources({ backlog: { count: 3, oldestCreatedAt: new Date(NOW.getTime() - 90_000) } }),
    ).check();
    expect(report).to.deep.equal({
      status: 'ready',
      database: { status: 'up', latencyMs: 0.4 },
      outbox: { backlog: 3, oldestUnpublishedAgeSeconds: 90 },
    });
  });

  it('is unavailable when the database does not answer, saying why and leaving the backlog out', async () => {
    const report = await new ReadinessCheck(
      sources({ database: { up: false, latencyMs: 2000, error: 'ECONNREFUSED' } }),
    ).check();
    expect(report).to.deep.equal({
      status: 'unavailable',
      database: { status: 'down', latencyMs: 2000, error: 'ECONNREFUSED' },
    });
  });

  it('asks the database and reads the backlog side by side, so a stalled database costs one limit, not two', async () => {
    // The probe answers only once the backlog has been asked for: asked one after the other, the check never ends.
    let backlogAsked: () => void = () => undefined;
    const asked = new Promise<void>((resolve) => {
      backlogAsked = resolve;
    });
    const report = await new ReadinessCheck({
      ...sources(),
      database: { check: () => asked.then(() => ({ up: true, latencyMs: 2000 })) },
      backlog: {
        backlog: async () => {
          backlogAsked();
          return { count: 1, oldestCreatedAt: null };
        },
      },
    }).check();
    expect(report).to.deep.include({ status: 'ready', outbox: { backlog: 1, oldestUnpublishedAgeSeconds: null } });
  });

  it('includes the relay state when a relay runs, and is ready while it publishes', async () => {
    const report = await new ReadinessCheck(sources({ relay: { state: 'running', since: NOW } })).check();
    expect(report.status).to.equal('ready');
    expect(report.relay).to.deep.equal({ state: 'running', since: NOW.toISOString() });
  });

  it("is ready while the relay stands by for another instance's, which publishes", async () => {
    const report = await new ReadinessCheck(sources({ relay: { state: 'standby', since: NOW } })).check();
    expect(report.status).to.equal('ready');
    expect(report.relay).to.deep.equal({ state: 'standby', since: NOW.toISOString() });
  });

  it("is degraded while the relay cannot reach its outbox, though the probe's own connections answer", async () => {
    const report = await new ReadinessCheck(
      sources({
        relay: {
          state: 'database-unreachable',
          since: NOW,
          failedAttempts: 2,
          lastError: 'OutboxUnreachable <- Error',
        },
      }),
    ).check();
    expect(report.status).to.equal('degraded');
    expect(report.relay).to.include({ state: 'database-unreachable', lastError: 'OutboxUnreachable <- Error' });
  });

  it("is degraded while the database answers its probe but refuses the service's writes (a full disk), saying since when and why", async () => {
    const since = new Date(NOW.getTime() - 30_000);
    const report = await new ReadinessCheck(
      sources({
        relay: { state: 'standby', since: NOW },
        writes: { since, refused: 12, cause: 'SqliteError: database or disk is full' },
      }),
    ).check();
    expect(report.status).to.equal('degraded');
    expect(report.database).to.deep.equal({
      status: 'up',
      latencyMs: 0.4,
      writes: {
        status: 'failing',
        since: since.toISOString(),
        refused: 12,
        cause: 'SqliteError: database or disk is full',
      },
    });
  });

  it('is degraded (not unavailable) while the broker is unreachable, so probes do not fail for a broker outage', async () => {
    const relay: RelayStatus = {
      state: 'broker-unreachable',
      since: NOW,
      failedAttempts: 4,
      lastError: 'KafkaJSConnectionError',
    };
    const report = await new ReadinessCheck(sources({ relay })).check();
    expect(report.status).to.equal('degraded');
    expect(report.relay).to.deep.equal({ ...relay, since: NOW.toISOString() });
  });

  it('is unavailable once the service is stopping, so the load balancer sends no new requests', async () => {
    const report = await new ReadinessCheck(sources({ stopping: true })).check();
    expect(report).to.include({ status: 'unavailable', reason: 'stopping' });
  });

  it('still answers when the backlog cannot be counted, without the outbox part', async () => {
    const report = await new ReadinessCheck(sources({ backlog: new Error('no such table: outbox') })).check();
    expect(report.status).to.equal('ready');
    expect(report).not.to.have.property('outbox');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Container } from 'inversify';
import { loadConfig } from '../../../src/adapters/config/config.js';
import { CountingStartRefusals } from '../../../src/adapters/observability/counting-start-refusals.js';
import { ReadinessCheck } from '../../../src/adapters/observability/readiness-check.js';
import { KnexDatabaseProbe } from '../../../src/adapters/persistence/knex/knex-database-probe.js';
import { createLogger } from '../../../src/composition/logger.js';
import { PeriodicPruning } from '../../../src/composition/periodic-pruning.js';
import { buildRelayContainer } from '../../../src/composition/relay-process.js';
import { ScheduleLoop } from '../../../src/composition/schedule-loop.js';
import { buildContainer } from '../../../src/composition/service.js';
import { TYPES } from '../../../src/composition/types.js';
import { expect } from '../../support/expect.js';

const KAFKA = { KAFKA_BROKERS: '127.0.0.1:9' };

const USE_CASES = [
  'CreateCampaign',
  'GetCampaign',
  'ListCampaigns',
  'ListCampaignEvents',
  'StartCampaign',
  'PauseCampaign',
  'ResumeCampaign',
  'TerminateCampaign',
  'DeleteCampaign',
  'ModifyCampaign',
  'RestartCampaign',
  'RunSchedule',
] as const;

describe('The composition root', () => {
  let dataDir: string;
  before(() => (dataDir = mkdtempSync(join(tmpdir(), 'composition-'))));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const DATABASE = () => ({ DATA_DIR: dataDir, DATABASE_URL: `sqlite:${join(dataDir, 'campaigns.sqlite')}` });
  const opened: Container[] = [];
  const service = (env: Record<string, string> = {}) => {
    const container = buildContainer(loadConfig({ ...DATABASE(), ...env }), createLogger('silent'), () => 'secret');
    opened.push(container);
    return container;
  };
  const relay = (env: Record<string, string> = {}) => {
    const container = buildRelayContainer(loadConfig({ ...DATABASE(), ...KAFKA, ...env }), createLogger('silent'));
    opened.push(container);
    return container;
  };
  afterEach(async () => {
    for (const container of opened.splice(0))
      if (container.isBound(TYPES.Database)) await container.get(TYPES.Database).destroy();
  });

  it('binds every use case under a token of its own, and the routes call exactly those', () => {
    const container = service();
    for (const name of USE_CASES) expect(container.isBound(TYPES[name]), name).to.equal(true);
    const routed = container.get(TYPES.CampaignUseCases);
    expect(Object.keys(routed).sort()).to.deep.equal(
      USE_CASES.filter((name) => name !== 'RunSchedule')
        .map((name) => name.charAt(0).toLowerCase() + name.slice(1))
        .sort(),
    );
  });

  it('builds each use case once and decorates it where it is activated: the start counts its refusals', () => {
    const container = service();
    expect(container.get(TYPES.StartCampaign)).to.be.instanceOf(CountingStartRefusals);
    expect(container.get(TYPES.StartCampaign)).to.equal(container.get(TYPES.StartCampaign));
    expect(container.get(TYPES.PauseCampaign)).to.equal(container.get(TYPES.PauseCampaign));
  });

  it('binds the long-lived services: readiness, the database probe, the prunings and the schedule loop', () => {
    const container = service();
    expect(container.get(TYPES.Readiness)).to.be.instanceOf(ReadinessCheck);
    expect(container.get(TYPES.DatabaseProbe)).to.be.instanceOf(KnexDatabaseProbe);
    expect(container.get(TYPES.ScheduleLoop)).to.be.instanceOf(ScheduleLoop);
    expect(container.get(TYPES.OutboxPruning)).to.be.instanceOf(PeriodicPruning);
    expect(container.get(TYPES.IdempotencyKeyPruning)).to.be.instanceOf(PeriodicPruning);
    expect(container.get(TYPES.OutboxPruning)).to.not.equal(container.get(TYPES.IdempotencyKeyPruning));
  });

  it('gives `npm run relay` the relay, its publisher and their metrics, and nothing of HTTP, the use cases or the writes', () => {
    const container = relay();
    const present = [
      TYPES.OutboxRelay,
      TYPES.EventPublisher,
      TYPES.PendingEvents,
      TYPES.Database,
      TYPES.Clock,
      TYPES.Metrics,
      TYPES.RelayStatus,
      TYPES.OutboxBacklog,
    ];
    for (const token of present) {
      expect(container.isBound(token), token.toString()).to.equal(true);
    }
    const absent = [TYPES.UnitOfWork, TYPES.TokenVerifier, TYPES.CampaignUseCases, TYPES.Readiness, TYPES.ScheduleLoop];
    for (const token of [...absent, ...USE_CASES.map((name) => TYPES[name])]) {
      expect(container.isBound(token), token.toString()).to.equal(false);
    }
  });

  it('lets the service’s relay hear the service’s commits, and `npm run relay`’s, which commits nothing, hear none', () => {
    expect(service(KAFKA).get(TYPES.OutboxRelay).hearsLocalCommits).to.equal(true);
    expect(relay().get(TYPES.OutboxRelay).hearsLocalCommits).to.equal(false);
  });

  it('lets readiness report a relay only when one publishes from this process', async () => {
    const withoutBroker = service();
    const withRelay = service(KAFKA);
    const relayOff = service({ ...KAFKA, OUTBOX_RELAY: 'off' });
    const relayOf = async (container: Container) => (await container.get(TYPES.Readiness).check()).relay;
    expect(await relayOf(withoutBroker)).to.equal(undefined);
    expect(await relayOf(withRelay)).to.include({ state: withRelay.get(TYPES.RelayStatus).relayStatus().state });
    expect(await relayOf(relayOff)).to.equal(undefined);
  });

  it('lets readiness answer unavailable once the shutdown state says the service is stopping', async () => {
    const container = service();
    container.get(TYPES.ShutdownState).stopping = true;
    expect(await container.get(TYPES.Readiness).check()).to.include({ status: 'unavailable', reason: 'stopping' });
  });
});

import { ContainerModule } from 'inversify';
import {
  CampaignCommandRunner,
  CreateCampaign,
  DeleteCampaign,
  GetCampaign,
  ListCampaignEvents,
  ListCampaigns,
  ModifyCampaign,
  PauseCampaign,
  RestartCampaign,
  ResumeCampaign,
  RunSchedule,
  StartCampaign,
  TerminateCampaign,
  type CampaignCommand,
  type CampaignHistory,
  type CampaignReader,
  type Clock,
  type CommandAnswer,
  type IdGenerator,
  type OutboxSignal,
  type UnitOfWork,
  type UseCase,
} from '../application/index.js';
import type { CampaignUseCases } from '../adapters/http/campaign-routes.js';
import type { ServiceConfig } from '../adapters/config/config.js';
import { TokenVerifier } from '../adapters/auth/token-verifier.js';
import { openDatabase } from '../adapters/persistence/knex/open-database.js';
import { KnexIdempotencyJanitor } from '../adapters/persistence/knex/knex-idempotency-janitor.js';
import { KnexCampaignHistory } from '../adapters/persistence/knex/knex-campaign-history.js';
import { KnexCampaignReader } from '../adapters/persistence/knex/knex-campaign-reader.js';
import { KnexPendingEvents } from '../adapters/persistence/knex/knex-pending-events.js';
import { KnexOutboxJanitor } from '../adapters/persistence/knex/knex-outbox-janitor.js';
import { serviceUnitOfWork } from '../adapters/persistence/service-unit-of-work.js';
import { InProcessOutboxSignal } from '../adapters/system/in-process-outbox-signal.js';
import { SystemClock } from '../adapters/system/system-clock.js';
import { TimeOrderedIdGenerator } from '../adapters/system/time-ordered-id-generator.js';
import { inTraceOfItsOwn } from '../adapters/tracing/traced-unit-of-work.js';
import type { Knex } from 'knex';
import { TYPES } from './types.js';

export const persistenceModule = new ContainerModule(({ bind }) => {
  bind(TYPES.Database)
    .toResolvedValue((config: ServiceConfig) => openDatabase(config.database), [TYPES.Config])
    .inSingletonScope();
  bind(TYPES.OutboxSignal).toResolvedValue(() => new InProcessOutboxSignal()).inSingletonScope();
  bind(TYPES.UnitOfWork)
    .toResolvedValue(
      (db: Knex, signal: OutboxSignal, config: ServiceConfig) =>
        serviceUnitOfWork(config.database.kind, db, signal),
      [TYPES.Database, TYPES.OutboxSignal, TYPES.Config],
    )
    .inSingletonScope();
  bind(TYPES.PendingEvents).toResolvedValue((db: Knex) => new KnexPendingEvents(db), [TYPES.Database]).inSingletonScope();
  bind(TYPES.CampaignReader).toResolvedValue((db: Knex) => new KnexCampaignReader(db), [TYPES.Database]).inSingletonScope();
  bind(TYPES.CampaignHistory).toResolvedValue((db: Knex) => new KnexCampaignHistory(db), [TYPES.Database]).inSingletonScope();
  bind(TYPES.IdempotencyJanitor)
    .toResolvedValue(
      (db: Knex, config: ServiceConfig) => new KnexIdempotencyJanitor(db, config.idempotencyRetentionHours * 3_600_000),
      [TYPES.Database, TYPES.Config],
    )
    .inSingletonScope();
  bind(TYPES.OutboxJanitor)
    .toResolvedValue(
      (db: Knex, config: ServiceConfig) => new KnexOutboxJanitor(db, config.outboxRetentionHours * 3_600_000),
      [TYPES.Database, TYPES.Config],
    )
    .inSingletonScope();
});

export const systemModule = new ContainerModule(({ bind }) => {
  bind(TYPES.Clock).toConstantValue(new SystemClock());
  bind(TYPES.IdGenerator).toConstantValue(new TimeOrderedIdGenerator());
});

/** `secret` is the development secret when the configuration names no way to verify tokens. */
export function authModule(developmentSecret: string | undefined): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TYPES.TokenVerifier)
      .toResolvedValue((config: ServiceConfig) => {
        const key =
          config.auth.mode === 'secret' ? { kind: 'secret' as const, secret: config.auth.secret }
          : config.auth.mode === 'jwks' ? { kind: 'jwks' as const, jwksUrl: config.auth.jwksUrl }
          : { kind: 'secret' as const, secret: developmentSecret ?? '' };
        return new TokenVerifier(key, {
          issuer: config.issuer,
          audience: config.audience,
          clockToleranceSeconds: config.clockToleranceSeconds,
        });
      }, [TYPES.Config])
      .inSingletonScope();
  });
}

export const useCaseModule = new ContainerModule(({ bind }) => {
  const writeDeps = [TYPES.UnitOfWork, TYPES.Clock, TYPES.IdGenerator] as const;
  bind(TYPES.StartCampaign)
    .toResolvedValue(
      (uow: UnitOfWork, clock: Clock, ids: IdGenerator) => new StartCampaign(new CampaignCommandRunner(uow, clock, ids)),
      [...writeDeps],
    )
    .inSingletonScope();
  bind(TYPES.CreateCampaign)
    .toResolvedValue((uow: UnitOfWork, clock: Clock, ids: IdGenerator) => new CreateCampaign(uow, clock, ids), [...writeDeps])
    .inSingletonScope();
  bind(TYPES.RunSchedule)
    .toResolvedValue(
      (uow: UnitOfWork, reader: CampaignReader, clock: Clock, ids: IdGenerator) =>
        new RunSchedule(inTraceOfItsOwn('RunSchedule', uow), reader, clock, ids),
      [TYPES.UnitOfWork, TYPES.CampaignReader, TYPES.Clock, TYPES.IdGenerator],
    )
    .inSingletonScope();
  bind(TYPES.CampaignUseCases)
    .toResolvedValue(
      (
        uow: UnitOfWork,
        clock: Clock,
        ids: IdGenerator,
        reader: CampaignReader,
        history: CampaignHistory,
        start: UseCase<CampaignCommand, CommandAnswer>,
        create: CreateCampaign,
      ): CampaignUseCases => {
        const commands = new CampaignCommandRunner(uow, clock, ids);
        return {
          createCampaign: create,
          getCampaign: new GetCampaign(reader),
          listCampaigns: new ListCampaigns(reader),
          listCampaignEvents: new ListCampaignEvents(reader, history),
          startCampaign: start,
          pauseCampaign: new PauseCampaign(commands),
          resumeCampaign: new ResumeCampaign(commands),
          terminateCampaign: new TerminateCampaign(commands),
          modifyCampaign: new ModifyCampaign(commands),
          restartCampaign: new RestartCampaign(commands),
          deleteCampaign: new DeleteCampaign(commands),
        };
      },
      [...writeDeps, TYPES.CampaignReader, TYPES.CampaignHistory, TYPES.StartCampaign, TYPES.CreateCampaign],
    )
    .inSingletonScope();
});

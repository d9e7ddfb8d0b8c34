import { ContainerModule, type ServiceIdentifier } from 'inversify';
import type { CampaignUseCases } from '../adapters/http/campaign-routes.js';
import { inTraceOfItsOwn } from '../adapters/tracing/traced-unit-of-work.js';
import {
  CampaignCommandRunner,
  type CampaignHistory,
  type CampaignReader,
  type Clock,
  CreateCampaign,
  DeleteCampaign,
  GetCampaign,
  type IdGenerator,
  ListCampaignEvents,
  ListCampaigns,
  ModifyCampaign,
  PauseCampaign,
  RestartCampaign,
  ResumeCampaign,
  RunSchedule,
  StartCampaign,
  TerminateCampaign,
  type UnitOfWork,
} from '../application/index.js';
import { TYPES } from './types.js';

/** The tokens of the use cases the HTTP routes call, by the names the routes know them by. */
const ROUTED: { [K in keyof CampaignUseCases]: (typeof TYPES)[Capitalize<K>] } = {
  createCampaign: TYPES.CreateCampaign,
  getCampaign: TYPES.GetCampaign,
  listCampaigns: TYPES.ListCampaigns,
  listCampaignEvents: TYPES.ListCampaignEvents,
  startCampaign: TYPES.StartCampaign,
  pauseCampaign: TYPES.PauseCampaign,
  resumeCampaign: TYPES.ResumeCampaign,
  terminateCampaign: TYPES.TerminateCampaign,
  deleteCampaign: TYPES.DeleteCampaign,
  modifyCampaign: TYPES.ModifyCampaign,
  restartCampaign: TYPES.RestartCampaign,
};

/**
 * Every use case under a token of its own, each built once; wrappers (metrics, spans) are added where they are
 * activated, in the observability and tracing modules.
 */
export const useCaseModule = new ContainerModule(({ bind }) => {
  bind(TYPES.CampaignCommandRunner)
    .toResolvedValue(
      (uow: UnitOfWork, clock: Clock, ids: IdGenerator) => new CampaignCommandRunner(uow, clock, ids),
      [TYPES.UnitOfWork, TYPES.Clock, TYPES.IdGenerator],
    )
    .inSingletonScope();
  /** A campaign verb, built on the shared command runner. */
  const verb = <T>(token: ServiceIdentifier<T>, make: (runner: CampaignCommandRunner) => T) =>
    bind(token).toResolvedValue(make, [TYPES.CampaignCommandRunner]).inSingletonScope();
  verb(TYPES.StartCampaign, (runner) => new StartCampaign(runner));
  verb(TYPES.PauseCampaign, (runner) => new PauseCampaign(runner));
  verb(TYPES.ResumeCampaign, (runner) => new ResumeCampaign(runner));
  verb(TYPES.TerminateCampaign, (runner) => new TerminateCampaign(runner));
  verb(TYPES.ModifyCampaign, (runner) => new ModifyCampaign(runner));
  verb(TYPES.RestartCampaign, (runner) => new RestartCampaign(runner));
  verb(TYPES.DeleteCampaign, (runner) => new DeleteCampaign(runner));
  bind(TYPES.CreateCampaign)
    .toResolvedValue(
      (uow: UnitOfWork, clock: Clock, ids: IdGenerator) => new CreateCampaign(uow, clock, ids),
      [TYPES.UnitOfWork, TYPES.Clock, TYPES.IdGenerator],
    )
    .inSingletonScope();
  bind(TYPES.GetCampaign)
    .toResolvedValue((reader: CampaignReader) => new GetCampaign(reader), [TYPES.CampaignReader])
    .inSingletonScope();
  bind(TYPES.ListCampaigns)
    .toResolvedValue((reader: CampaignReader) => new ListCampaigns(reader), [TYPES.CampaignReader])
    .inSingletonScope();
  bind(TYPES.ListCampaignEvents)
    .toResolvedValue(
      (reader: CampaignReader, history: CampaignHistory) => new ListCampaignEvents(reader, history),
      [TYPES.CampaignReader, TYPES.CampaignHistory],
    )
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
      (...useCases: Array<CampaignUseCases[keyof CampaignUseCases]>) =>
        Object.fromEntries(Object.keys(ROUTED).map((name, i) => [name, useCases[i]])) as unknown as CampaignUseCases,
      Object.values(ROUTED),
    )
    .inSingletonScope();
});

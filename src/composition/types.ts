import type { ServiceIdentifier } from 'inversify';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type {
  CampaignReader,
  Clock,
  CreateCampaign,
  GetCampaign,
  IdGenerator,
  ListCampaigns,
  StartCampaign,
  UnitOfWork,
} from '../application/index.js';
import type { ServiceConfig } from '../adapters/config/config.js';
import type { TokenVerifier } from '../adapters/auth/token-verifier.js';
import type { IdempotencyJanitor } from '../adapters/persistence/idempotency-janitor.js';

export const TYPES = {
  Config: Symbol.for('Config') as ServiceIdentifier<ServiceConfig>,
  Logger: Symbol.for('Logger') as ServiceIdentifier<Logger>,
  Database: Symbol.for('Database') as ServiceIdentifier<Knex>,
  UnitOfWork: Symbol.for('UnitOfWork') as ServiceIdentifier<UnitOfWork>,
  CampaignReader: Symbol.for('CampaignReader') as ServiceIdentifier<CampaignReader>,
  IdempotencyJanitor: Symbol.for('IdempotencyJanitor') as ServiceIdentifier<IdempotencyJanitor>,
  Clock: Symbol.for('Clock') as ServiceIdentifier<Clock>,
  IdGenerator: Symbol.for('IdGenerator') as ServiceIdentifier<IdGenerator>,
  TokenVerifier: Symbol.for('TokenVerifier') as ServiceIdentifier<TokenVerifier>,
  CreateCampaign: Symbol.for('CreateCampaign') as ServiceIdentifier<CreateCampaign>,
  GetCampaign: Symbol.for('GetCampaign') as ServiceIdentifier<GetCampaign>,
  ListCampaigns: Symbol.for('ListCampaigns') as ServiceIdentifier<ListCampaigns>,
  StartCampaign: Symbol.for('StartCampaign') as ServiceIdentifier<StartCampaign>,
};

import type Router from '@koa/router';
import type { Context } from 'koa';
import {
  CAMPAIGN_ORDERS,
  type CampaignCommand,
  type CampaignEventsQuery,
  type CampaignHistoryEntry,
  type CampaignHistoryPage,
  type CampaignOrder,
  type CampaignPage,
  type CampaignQuery,
  type CommandAnswer,
  type CreateCampaignCommand,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  type IdempotentRequest,
  type ModifyCampaignCommand,
  type RestartCampaignCommand,
  type UseCase,
} from '../../application/index.js';
import {
  CAMPAIGN_STATUSES,
  CampaignId,
  CampaignInvalid,
  type CampaignSnapshot,
  type CampaignStatus,
  type FieldProblem,
} from '../../domain/index.js';
import { storableTextProblem } from '../../domain/storable-text.js';
import { type Principal, SCOPES } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { inRequestTrace } from '../tracing/http-server-spans.js';
import {
  createCampaignInput,
  DATE_NAMES_WITHOUT_A_BODY,
  inClientTerms,
  modifyCampaignInput,
} from './campaign-input.js';
import { ORIGINAL_STATUS, statusNamed } from './campaign-json.js';
import { entityTagOf, ifMatchVersions, ifNoneMatchNames } from './campaign-versions.js';
import { campaignReadForm } from './campaign-views.js';
import { requestFingerprint } from './idempotency-fingerprint.js';
import { isAbsent, readJsonBody } from './json-body.js';
import { ProtectedRouter } from './protected-router.js';
import { queryEncodingProblems, queryValue } from './query-encoding.js';
import { RequestRefused } from './request-refused.js';

type CampaignVerb = UseCase<CampaignCommand, CommandAnswer>;

/** What the campaign routes ask of the application, each behind the one use-case interface. */
export interface CampaignUseCases {
  createCampaign: UseCase<CreateCampaignCommand, CommandAnswer>;
  getCampaign: UseCase<CampaignId, CampaignSnapshot>;
  listCampaigns: UseCase<CampaignQuery, CampaignPage>;
  listCampaignEvents: UseCase<CampaignEventsQuery, CampaignHistoryPage>;
  startCampaign: CampaignVerb;
  pauseCampaign: CampaignVerb;
  resumeCampaign: CampaignVerb;
  terminateCampaign: CampaignVerb;
  deleteCampaign: CampaignVerb;
  modifyCampaign: UseCase<ModifyCampaignCommand, CommandAnswer>;
  /** `POST /campaigns/{id}/modify?restart=true`: the original's route for a restart. */
  restartCampaign: UseCase<RestartCampaignCommand, CommandAnswer>;
}

/** The success messages of the original API, byte for byte ("intiated" and the trailing spaces included). */
export const MESSAGES = {
  start: 'Campaign execution intiated successfully. ',
  pause: 'Campaign execution paused successfully. ',
  resume: 'Campaign execution resumed successfully. ',
  terminate: 'Campaign execution stopped successfully. ',
  delete: 'Campaign deleted successfully',
  create: 'Details added successfully',
  modify: 'Details updated successfully',
} as const;

/** The original's answer to a change, with the campaign's new version as its `ETag`, for the next `If-Match`. */
function answerWith(ctx: Context, answer: CommandAnswer, body: Record<string, string>): void {
  if (answer.version !== undefined) ctx.set('ETag', entityTagOf(answer.version));
  ctx.body = body;
}

const MAX_PAGE_SIZE = 500;
const MAX_SEARCH_LENGTH = 255;

export function campaignRouter(prefix: string, useCases: CampaignUseCases, verifier: TokenVerifier): Router {
  const routes = new ProtectedRouter(prefix, verifier);

  const verbs: Array<[name: keyof typeof MESSAGES, scope: string, useCase: CampaignVerb]> = [
    ['start', SCOPES.execute, useCases.startCampaign],
    ['pause', SCOPES.execute, useCases.pauseCampaign],
    ['resume', SCOPES.execute, useCases.resumeCampaign],
    ['terminate', SCOPES.terminate, useCases.terminateCampaign],
    ['delete', SCOPES.write, useCases.deleteCampaign],
  ];
  for (const [name, scope, useCase] of verbs) {
    routes.post(`/campaigns/:id/${name}`, scope, async (ctx, principal) => {
      const campaignId = CampaignId.parse(ctx.params.id!);
      const body = await readJsonBody(ctx);
      const answer = await inRequestTrace(ctx, () =>
        useCase.execute(verbCommand(ctx, principal, campaignId, name, body)),
      );
      answerWith(ctx, answer, { id: answer.id, message: MESSAGES[name] });
    });
  }

  routes.post('/campaigns/:id/modify', SCOPES.write, async (ctx, principal) => {
    const campaignId = CampaignId.parse(ctx.params.id!);
    const { restart } = valid(ctx, { restart: restartFlag(ctx) });
    const body = await readJsonBody(ctx);
    if (isAbsent(body) && !restart) {
      throw new RequestRefused(
        'INVALID_REQUEST',
        'A JSON body with the fields to change is required (a restart needs none)',
      );
    }
    // A restart may come without a body: the campaign decides whether it needs changes (one that has not ended does).
    const { input: changes, fieldNames } = isAbsent(body)
      ? { input: undefined, fieldNames: DATE_NAMES_WITHOUT_A_BODY }
      : modifyCampaignInput(body, campaignId);
    try {
      const command = { ...verbCommand(ctx, principal, campaignId, 'modify', body), changes };
      const answer = await inRequestTrace(ctx, () =>
        restart || changes === undefined
          ? useCases.restartCampaign.execute(command)
          : useCases.modifyCampaign.execute({ ...command, changes }),
      );
      answerWith(ctx, answer, { message: MESSAGES.modify, id: answer.id });
    } catch (error) {
      throw inClientTerms(error, fieldNames);
    }
  });

  routes.post('/campaigns', SCOPES.write, async (ctx, principal) => {
    const body = await readJsonBody(ctx);
    if (isAbsent(body)) throw new RequestRefused('INVALID_REQUEST', 'A JSON body describing the campaign is required');
    if (ifMatchVersions(ctx) !== undefined) {
      throw new RequestRefused(
        'INVALID_REQUEST',
        'If-Match names versions of a campaign, and a create changes none: send it without If-Match (or with *)',
      );
    }
    const { input, fieldNames } = createCampaignInput(body, principal.subject);
    try {
      const idempotency = idempotentRequest(ctx, '/campaigns', body);
      const command = idempotency === undefined ? input : { ...input, idempotency };
      const answer = await inRequestTrace(ctx, () => useCases.createCampaign.execute(command));
      answerWith(ctx, answer, { message: MESSAGES.create, id: answer.id });
    } catch (error) {
      throw inClientTerms(error, fieldNames);
    }
  });

  routes.get('/campaigns/:id', SCOPES.read, async (ctx) => {
    const campaignId = CampaignId.parse(ctx.params.id!);
    const { form } = valid(ctx, { form: campaignReadForm(ctx) });
    const campaign = await useCases.getCampaign.execute(campaignId);
    const notModified = ifNoneMatchNames(ctx, campaign.version);
    form.answer(ctx, form.campaign(campaign));
    ctx.set('ETag', entityTagOf(campaign.version));
    if (notModified) ctx.status = 304;
  });

  routes.get('/campaigns/:id/events', SCOPES.read, async (ctx) => {
    const campaignId = CampaignId.parse(ctx.params.id!);
    const page = valid(ctx, pageOf(ctx, 20));
    const history = await useCases.listCampaignEvents.execute({ campaignId, ...page });
    ctx.body = { total: history.total, events: history.events.map(eventJson) };
  });

  routes.get('/campaigns', SCOPES.read, async (ctx) => {
    const { form, ...query } = valid(ctx, {
      ...pageOf(ctx, 10),
      order: orderOf(ctx),
      statuses: statusesOf(ctx),
      search: searchOf(ctx),
      form: campaignReadForm(ctx),
    });
    const page = await useCases.listCampaigns.execute(query);
    form.answer(ctx, { total: page.total, campaigns: page.campaigns.map(form.campaign) });
  });

  return routes.router;
}

type Checked<T> = { [K in keyof T]: T[K] | FieldProblem };

/**
 * The values when none is a problem; otherwise every problem at once, as one 400, with each parameter of the
 * query that is not percent-encoded UTF-8 (whose value was read as another).
 */
function valid<T extends object>(ctx: Context, values: Checked<T>): T {
  const problems = [...queryEncodingProblems(ctx.querystring), ...Object.values(values).filter(isProblem)];
  if (problems.length > 0) throw new CampaignInvalid(uniqueFields(problems), 'query');
  return values as T;
}

/** The first problem of each field: a parameter badly encoded is not also refused for the value it was read as. */
function uniqueFields(problems: FieldProblem[]): FieldProblem[] {
  return problems.filter((problem, index) => problems.findIndex((other) => other.field === problem.field) === index);
}

function isProblem(value: unknown): value is FieldProblem {
  return typeof value === 'object' && value !== null && 'field' in value && 'message' in value;
}

function pageOf(ctx: Context, defaultSize: number): Checked<{ offset: number; limit: number }> {
  return {
    offset: pageParameter(ctx, 'start', 0, Number.MAX_SAFE_INTEGER),
    limit: pageParameter(ctx, 'pageSize', defaultSize, MAX_PAGE_SIZE),
  };
}

function orderOf(ctx: Context): CampaignOrder | FieldProblem {
  const raw = queryValue(ctx, 'sort') ?? 'id';
  if (typeof raw !== 'string') return raw;
  if ((CAMPAIGN_ORDERS as readonly string[]).includes(raw)) return raw as CampaignOrder;
  return { field: 'sort', message: `must be one of ${CAMPAIGN_ORDERS.join(', ')}` };
}

/** `status=running` or `status=running,paused`, in either read form's words (`Pending`); absent or empty: every status. */
function statusesOf(ctx: Context): CampaignStatus[] | FieldProblem {
  const raw = queryValue(ctx, 'status');
  if (raw === undefined || raw === '') return [];
  if (typeof raw !== 'string') return raw;
  const statuses = raw.split(',').map(statusNamed);
  if (statuses.every((status) => status !== undefined)) return statuses as CampaignStatus[];
  return {
    field: 'status',
    message: `must be one or more of ${CAMPAIGN_STATUSES.join(', ')} (or the original's ${Object.values(ORIGINAL_STATUS).join(', ')}), separated by commas`,
  };
}

/** A search is held to the rules of the names it searches: a NUL or another control character matches none. */
function searchOf(ctx: Context): string | FieldProblem {
  const raw = queryValue(ctx, 'search') ?? '';
  if (typeof raw !== 'string') return raw;
  const problem = storableTextProblem(raw, MAX_SEARCH_LENGTH);
  return problem === undefined ? raw : { field: 'search', message: problem };
}

function eventJson(event: CampaignHistoryEntry) {
  return {
    eventId: event.eventId,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    by: event.by,
    published: event.publishedAt !== null,
    publishedAt: event.publishedAt === null ? null : event.publishedAt.toISOString(),
    data: event.payload,
  };
}

/** The command of a verb; with an Idempotency-Key, bound to this method, resource, query and body. */
function verbCommand(
  ctx: Context,
  principal: Principal,
  campaignId: CampaignId,
  verb: string,
  body: unknown,
): CampaignCommand {
  const ifVersionIn = ifMatchVersions(ctx);
  const command: CampaignCommand = {
    campaignId,
    actor: principal.subject,
    ...(ifVersionIn !== undefined ? { ifVersionIn } : {}),
  };
  const idempotency = idempotentRequest(ctx, `/campaigns/${campaignId}/${verb}`, body);
  return idempotency === undefined ? command : { ...command, idempotency };
}

/**
 * With an Idempotency-Key, what the key binds: this method, `resource` (the path without its mount), query, body
 * and If-Match.
 */
function idempotentRequest(ctx: Context, resource: string, body: unknown): IdempotentRequest | undefined {
  const key = idempotencyKeyOf(ctx);
  if (key === undefined) return undefined;
  const fingerprint = requestFingerprint(
    ctx.method,
    resource,
    ctx.querystring,
    isAbsent(body) ? undefined : { json: body },
    ctx.req.headers['if-match'],
  );
  return { key, fingerprint, requestId: ctx.state.requestId as string };
}

/**
 * `restart`, `true` or `false` in any letter case: the original's Java reads a boolean parameter so, and clients
 * write it so (Python's `requests` sends `True` for `{"restart": True}`). Any other value is refused rather than
 * guessed at.
 */
function restartFlag(ctx: Context): boolean | FieldProblem {
  const raw = queryValue(ctx, 'restart');
  if (typeof raw === 'object') return raw;
  if (raw === undefined || /^false$/i.test(raw)) return false;
  if (/^true$/i.test(raw)) return true;
  return { field: 'restart', message: 'must be true or false (in any letter case)' };
}

function idempotencyKeyOf(ctx: Context): string | undefined {
  const header = ctx.req.headers['idempotency-key'];
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? undefined : header;
  if (key === undefined || key.length < 1 || key.length > IDEMPOTENCY_KEY_MAX_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new RequestRefused(
      'INVALID_REQUEST',
      `Idempotency-Key must be one header of 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters`,
    );
  }
  return key;
}

function pageParameter(ctx: Context, name: string, fallback: number, max: number): number | FieldProblem {
  const raw = queryValue(ctx, name);
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string') return raw;
  const value = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  const min = name === 'pageSize' ? 1 : 0;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    return { field: name, message: `must be a whole number from ${min} to ${max}` };
  }
  return value;
}

import { readinessOf } from './readiness.js';

/** The service's answers as the console reads them: the service view (`view=service`) of the public API. */
export interface Campaign {
  id: string;
  name: string;
  description: string | null;
  status: string;
  startAt: string | null;
  endAt: string | null;
  zone: string | null;
  startDateStr: string | null;
  endDateStr: string | null;
  updatedAt: string;
  updatedBy: string;
  [field: string]: unknown;
}

export interface CampaignPage {
  total: number;
  campaigns: Campaign[];
}

export interface CampaignEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  by: string | null;
  published: boolean;
  publishedAt: string | null;
}

export interface EventPage {
  total: number;
  events: CampaignEvent[];
}

export interface Readiness {
  status: string;
  database: { status: string; latencyMs: number };
  outbox?: { backlog: number; oldestUnpublishedAgeSeconds: number | null };
  relay?: { state: string };
}

export interface FieldError {
  field: string;
  message: string;
}

/** A refusal as the API words it: `{code, message, requestId}` and the facts a client can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly facts: { status?: string; errors?: FieldError[]; pageSize?: number; requestId?: string },
  ) {
    super(message);
  }
}

/** The token was refused: the console goes back to sign-in. */
export class Unauthorized extends Error {}

export type Verb = 'start' | 'pause' | 'resume' | 'terminate' | 'delete';

/** Reads ask for the service's own view (ISO times, string ids) whatever the default form of the API is. */
const SERVICE_VIEW = { view: 'service' };

export class Api {
  private readonly base = new URL('../api/v1/', location.href);

  constructor(
    private readonly token: string,
    private readonly onUnauthorized: () => void,
  ) {}

  listCampaigns(query: {
    start: number;
    pageSize: number;
    status: string;
    search: string;
    sort: string;
  }): Promise<CampaignPage> {
    return this.call('GET', 'campaigns', { query: { ...SERVICE_VIEW, ...stringsOf(query) } });
  }

  campaign(id: string): Promise<Campaign> {
    return this.call('GET', `campaigns/${encodeURIComponent(id)}`, { query: SERVICE_VIEW });
  }

  events(id: string, page: { start: number; pageSize: number }): Promise<EventPage> {
    return this.call('GET', `campaigns/${encodeURIComponent(id)}/events`, { query: stringsOf(page) });
  }

  create(fields: Record<string, unknown>, idempotencyKey: string): Promise<{ id: string }> {
    return this.call('POST', 'campaigns', { body: fields, idempotencyKey });
  }

  /** `version`: the version the changes were decided on; refused (412) if the campaign changed since. */
  modify(
    id: string,
    changes: Record<string, unknown>,
    idempotencyKey: string,
    version: number | undefined,
  ): Promise<{ id: string }> {
    return this.call('POST', `campaigns/${encodeURIComponent(id)}/modify`, {
      body: changes,
      idempotencyKey,
      ...ifMatch(version),
    });
  }

  /** Restarts a terminated or completed campaign: no body, or the changes to make with it. */
  restart(
    id: string,
    idempotencyKey: string,
    version: number | undefined,
    changes?: Record<string, unknown>,
  ): Promise<{ id: string }> {
    return this.call('POST', `campaigns/${encodeURIComponent(id)}/modify`, {
      query: { restart: 'true' },
      idempotencyKey,
      ...ifMatch(version),
      ...(changes !== undefined ? { body: changes } : {}),
    });
  }

  act(id: string, verb: Verb, idempotencyKey: string): Promise<{ id: string; message: string }> {
    return this.call('POST', `campaigns/${encodeURIComponent(id)}/${verb}`, { idempotencyKey });
  }

  /** Readiness is outside the API and needs no token. */
  async readiness(): Promise<Readiness> {
    const response = await fetch(new URL('/health/ready', location.origin), { cache: 'no-store', credentials: 'omit' });
    const readiness = readinessOf(await response.json().catch(() => undefined));
    if (readiness === undefined)
      throw new Error(`/health/ready answered ${response.status}, not the service's readiness`);
    return readiness;
  }

  private async call<T>(
    method: string,
    path: string,
    options: { query?: Record<string, string>; body?: unknown; idempotencyKey?: string; ifMatch?: string },
  ): Promise<T> {
    const url = new URL(path, this.base);
    for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (options.idempotencyKey !== undefined) headers['Idempotency-Key'] = options.idempotencyKey;
    if (options.ifMatch !== undefined) headers['If-Match'] = options.ifMatch;
    const response = await fetch(url, {
      method,
      headers,
      cache: 'no-store',
      credentials: 'omit',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const answer: unknown = await response.json().catch(() => undefined);
    const json = typeof answer === 'object' && answer !== null && !Array.isArray(answer);
    // A proxy in front of the service may answer a page of its own (a sign-in form, an error page).
    if (response.ok && !json) throw new Error(`the answer (${response.status}) was not the service's JSON`);
    const body = (json ? answer : {}) as Record<string, unknown>;
    if (response.status === 401) {
      this.onUnauthorized();
      throw new Unauthorized(String(body.message ?? 'The token was refused'));
    }
    if (!response.ok) {
      throw new ApiError(response.status, String(body.code ?? 'UNKNOWN'), String(body.message ?? response.statusText), {
        ...(typeof body.status === 'string' ? { status: body.status } : {}),
        ...(Array.isArray(body.errors) ? { errors: body.errors as FieldError[] } : {}),
        ...(typeof body.pageSize === 'number' ? { pageSize: body.pageSize } : {}),
        ...(typeof body.requestId === 'string' ? { requestId: body.requestId } : {}),
      });
    }
    return body as T;
  }
}

function stringsOf(values: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => [k, String(v)]),
  );
}

/**
 * The service answered (any HTTP status), so the request reached it: a repeat under the same Idempotency-Key would
 * get that answer again. Only a request whose answer never came may be sent again under its key.
 */
export function answered(error: unknown): boolean {
  return error instanceof ApiError || error instanceof Unauthorized;
}

/** One key per intended action: a second click on the same button, on the same state, repeats the same request. */
export function newIdempotencyKey(): string {
  const random = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The If-Match of a change decided on `version` (the campaign's ETag); none when the version is not known. */
function ifMatch(version: number | undefined): { ifMatch?: string } {
  return Number.isSafeInteger(version) ? { ifMatch: `"${version}"` } : {};
}

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
  /** The campaign's ETag, `"3"`: every change makes a new one. */
  version?: number;
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

/**
 * The service's answer never came: the network failed, the deadline passed, or something in front of the service (a
 * gateway's 502 or 504) answered instead. A change sent may or may not have been made.
 */
export class NoAnswer extends Error {}

/** How long the console waits for an answer of the API before it gives the request up as unanswered. */
export const API_DEADLINE_MS = 15_000;
/** How long the health strip waits for `/health/ready`: less than two of its reads, 5 s apart. */
export const READINESS_DEADLINE_MS = 10_000;

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

  /** `version`: the version the action was decided on; refused (412) if the campaign changed since. */
  act(
    id: string,
    verb: Verb,
    idempotencyKey: string,
    version: number | undefined,
  ): Promise<{ id: string; message: string }> {
    return this.call('POST', `campaigns/${encodeURIComponent(id)}/${verb}`, { idempotencyKey, ...ifMatch(version) });
  }

  /** Readiness is outside the API and needs no token. */
  async readiness(): Promise<Readiness> {
    const response = await fetchWithin(READINESS_DEADLINE_MS, new URL('/health/ready', location.origin), {
      cache: 'no-store',
      credentials: 'omit',
    });
    const readiness = readinessOf(jsonIn(response.text));
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
    const response = await fetchWithin(API_DEADLINE_MS, url, {
      method,
      headers,
      cache: 'no-store',
      credentials: 'omit',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const answer = jsonIn(response.text);
    const json = typeof answer === 'object' && answer !== null && !Array.isArray(answer);
    // A proxy in front of the service may answer a page of its own (a sign-in form, an error page).
    if (response.ok && !json) throw new NoAnswer(`the answer (${response.status}) was not the service's JSON`);
    const body = (json ? answer : {}) as Record<string, unknown>;
    if (response.status === 401) {
      this.onUnauthorized();
      throw new Unauthorized(String(body.message ?? 'The token was refused'));
    }
    if (!response.ok && !isServiceError(body)) {
      const status = [response.status, response.statusText].filter(Boolean).join(' ');
      throw new NoAnswer(`the answer (${status}) came from something in front of the service, not from it`);
    }
    if (!response.ok) {
      throw new ApiError(response.status, String(body.code), String(body.message), {
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
 * get that answer again. Only a request whose answer never came ({@link NoAnswer}) is sent again under its key.
 */
export function answered(error: unknown): boolean {
  return error instanceof ApiError || error instanceof Unauthorized;
}

/** Every refusal of the service is `{code, message, requestId}`; a gateway's error page or JSON is not. */
function isServiceError(body: Record<string, unknown>): boolean {
  return typeof body.code === 'string' && typeof body.message === 'string' && typeof body.requestId === 'string';
}

interface Answer {
  ok: boolean;
  status: number;
  statusText: string;
  text: string;
}

/** `fetch` and its body, given up as {@link NoAnswer} when the whole answer did not come within `deadlineMs`. */
async function fetchWithin(deadlineMs: number, url: URL, init: RequestInit): Promise<Answer> {
  const controller = new AbortController();
  const deadline = setTimeout(() => controller.abort(), deadlineMs);
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    const text = await response.text();
    return { ok: response.ok, status: response.status, statusText: response.statusText, text };
  } catch (error) {
    if (controller.signal.aborted) throw new NoAnswer(`no answer came within ${deadlineMs / 1000} s`);
    throw new NoAnswer(`the network failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(deadline);
  }
}

function jsonIn(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One key per request decided on: a retry of one whose answer never came sends it again under the same key. */
export function newIdempotencyKey(): string {
  const random = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The If-Match of a change decided on `version` (the campaign's ETag); none when the version is not known. */
function ifMatch(version: number | undefined): { ifMatch?: string } {
  return Number.isSafeInteger(version) ? { ifMatch: `"${version}"` } : {};
}

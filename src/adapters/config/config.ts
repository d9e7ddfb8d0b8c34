import { resolve } from 'node:path';
import { z } from 'zod';
import { MIN_SECRET_BYTES } from '../auth/development-secret.js';
import {
  type ConnectionTimeouts,
  DEFAULT_CONNECTION_TIMEOUTS,
  NODE_KEEP_ALIVE_BUFFER_MS,
} from '../http/server-limits.js';
import type { DatabaseLocation } from '../persistence/knex/open-database.js';
import { type KafkaTls, readTlsFiles } from './kafka-tls-files.js';
import { type TracingSettings, tracingSettings } from './tracing-config.js';
import { isUriReference } from './uri-reference.js';

export type AuthSettings =
  | { mode: 'secret'; secret: string }
  | { mode: 'jwks'; jwksUrl: URL }
  | { mode: 'development' };

export type { KafkaTls } from './kafka-tls-files.js';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  topic: string;
  topicPartitions: number;
  /** Copies of each partition when the service creates the topic; undefined: 3, or the brokers live then, when fewer. */
  topicReplicationFactor: number | undefined;
  /** `min.insync.replicas` of the topic it creates; undefined: the replication factor less one, at least 1. */
  topicMinInsyncReplicas: number | undefined;
  /** The CloudEvents `source` of every published event. */
  eventSource: string;
  /** TLS to the brokers (KAFKA_SSL); undefined: plaintext. */
  tls?: KafkaTls | undefined;
  /** SASL authentication (KAFKA_SASL_*); undefined: none. */
  sasl?: KafkaSasl | undefined;
}

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

export interface KafkaSasl {
  mechanism: (typeof SASL_MECHANISMS)[number];
  username: string;
  password: string;
}

export interface RelaySettings {
  /** Whether the service process runs the outbox relay (`npm run relay` runs it on its own either way). */
  enabled: boolean;
  pollIntervalMs: number;
  batchSize: number;
  /** A publish not acknowledged within this long marks the relay stalled (degraded), while it keeps waiting. */
  publishStallMs: number;
  /** Where `npm run relay` answers /health/live, /health/ready and /metrics; undefined: it listens on no port. */
  port?: number | undefined;
}

export interface ServiceConfig {
  production: boolean;
  port: number;
  host: string | undefined;
  basePath: string | undefined;
  dataDir: string;
  database: DatabaseLocation;
  /** On PostgreSQL, how long a statement may wait with nothing from the server before its connection is closed. */
  databaseAnswerTimeoutMs: number;
  auth: AuthSettings;
  issuer: string | undefined;
  audience: string | undefined;
  clockToleranceSeconds: number;
  idempotencyRetentionHours: number;
  /** Published outbox rows older than this are deleted (unpublished ones never are). */
  outboxRetentionHours: number;
  /** Undefined without KAFKA_BROKERS: events then wait in the outbox. */
  kafka: KafkaSettings | undefined;
  relay: RelaySettings;
  scheduler: { enabled: boolean; intervalMs: number };
  logLevel: LogLevel;
  /** How long stopping (SIGTERM, SIGINT) may take before the process gives up and exits with status 1. */
  shutdownTimeoutMs: number;
  /** Browser origins allowed to call the API (CORS); empty: no cross-origin access. */
  corsOrigins: string[];
  /** Whether GET /metrics answers. */
  metricsEnabled: boolean;
  /** How long a connection may wait for its headers, or stay idle between requests. */
  connectionTimeouts: ConnectionTimeouts;
  /** Where spans are exported (OTEL_TRACES_EXPORTER); the SDK reads the other OTEL_* variables itself. */
  tracing: TracingSettings;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/**
 * A whole decimal number from `min` to `max`: `8080`, not `8080.0`, `0x1f90` or `8e3`. An empty value is unset, as
 * for every variable, and reads as `unset`.
 */
function wholeNumber(min: number, max: number, unset: number) {
  return optionalWholeNumber(min, max).transform((v) => v ?? unset);
}

/** The same, for a setting without a default: unset reads as undefined. */
function optionalWholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return optionalText
    .refine((v) => v === undefined || (/^\d{1,16}$/.test(v) && Number(v) >= min && Number(v) <= max), { message })
    .transform((v) => (v === undefined ? undefined : Number(v)));
}

/** `host:port` with a port a broker can listen on: a port out of range would fail every connection, never the start. */
function isBrokerAddress(address: string): boolean {
  const port = /^[^\s:,]+:(\d{1,5})$/.exec(address.trim())?.[1];
  return port !== undefined && Number(port) >= 1 && Number(port) <= 65_535;
}

/** A URL keys can be fetched from: `mailto:x` or `ftp://…` parse as URLs, but no key set is read from them. */
function isHttpUrl(text: string): boolean {
  const protocol = URL.canParse(text) ? new URL(text).protocol : '';
  return protocol === 'http:' || protocol === 'https:';
}

/** One of `values` (written in lower case), in any letter case; an empty value is unset and reads as `unset`. */
function oneOf<const T extends readonly [string, ...string[]]>(values: T, unset: T[number]) {
  return optionalOneOf(values).transform((v) => v ?? unset);
}

/** The same, for a setting whose being unset means something of its own: unset reads as undefined. */
function optionalOneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const message = `must be one of ${values.join(', ')} (in any letter case)`;
  return optionalText
    .transform((v) => v?.toLowerCase())
    .refine((v) => v === undefined || values.includes(v), { message })
    .transform((v) => v as T[number] | undefined);
}

const schema = z.object({
  NODE_ENV: optionalText,
  PORT: wholeNumber(0, 65_535, 8080),
  RELAY_PORT: optionalWholeNumber(0, 65_535),
  HOST: optionalText,
  BASE_PATH: optionalText.refine((v) => v === undefined || /^(\/[A-Za-z0-9._~-]+)+$/.test(v), {
    message: 'must look like /vpns (a leading slash, no trailing slash)',
  }),
  DATA_DIR: optionalText,
  DATABASE_URL: optionalText,
  DATABASE_SCHEMA: optionalText.refine((v) => v === undefined || /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(v), {
    message: 'must be a plain PostgreSQL identifier',
  }),
  AUTH_JWT_SECRET: optionalText.refine((v) => v === undefined || Buffer.byteLength(v) >= MIN_SECRET_BYTES, {
    message: `must be at least ${MIN_SECRET_BYTES} bytes long for HS256`,
  }),
  AUTH_JWKS_URL: optionalText.refine((v) => v === undefined || isHttpUrl(v), {
    message: 'must be an http:// or https:// URL (where the issuer publishes its keys)',
  }),
  AUTH_ISSUER: optionalText,
  AUTH_AUDIENCE: optionalText,
  AUTH_CLOCK_TOLERANCE_SECONDS: wholeNumber(0, 300, 5),
  IDEMPOTENCY_RETENTION_HOURS: wholeNumber(24, 24 * 90, 24),
  OUTBOX_RETENTION_HOURS: wholeNumber(1, 24 * 3650, 168),
  KAFKA_BROKERS: optionalText.refine((v) => v === undefined || v.split(',').every(isBrokerAddress), {
    message:
      'must be a comma-separated list of host:port, the port from 1 to 65535, e.g. 127.0.0.1:9092; the host a name or an IPv4 address (the Kafka client reads a host up to its first colon, so name an IPv6 broker by a host name)',
  }),
  KAFKA_CLIENT_ID: optionalText,
  KAFKA_TOPIC: optionalText.refine(
    (v) => v === undefined || (/^[A-Za-z0-9._-]{1,249}$/.test(v) && v !== '.' && v !== '..'),
    {
      message: 'must be a Kafka topic name: up to 249 letters, digits, dots, underscores and dashes',
    },
  ),
  KAFKA_TOPIC_PARTITIONS: wholeNumber(1, 10_000, 3),
  KAFKA_TOPIC_REPLICATION_FACTOR: optionalWholeNumber(1, 32),
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS: optionalWholeNumber(1, 32),
  KAFKA_SSL: optionalOneOf(['on', 'off']),
  KAFKA_SSL_CA_FILE: optionalText,
  KAFKA_SSL_CERT_FILE: optionalText,
  KAFKA_SSL_KEY_FILE: optionalText,
  KAFKA_SASL_MECHANISM: optionalOneOf(SASL_MECHANISMS),
  KAFKA_SASL_USERNAME: optionalText,
  KAFKA_SASL_PASSWORD: z
    .string()
    .transform((v) => (v === '' ? undefined : v))
    .optional(),
  CLOUDEVENTS_SOURCE: optionalText.refine((v) => v === undefined || isUriReference(v), {
    message:
      'must be a URI reference (RFC 3986: ASCII, no spaces, other characters percent-encoded), e.g. /campaign-service',
  }),
  OUTBOX_RELAY: oneOf(['on', 'off'], 'on'),
  OUTBOX_POLL_INTERVAL_MS: wholeNumber(10, 3_600_000, 1000),
  OUTBOX_BATCH_SIZE: wholeNumber(1, 10_000, 500),
  OUTBOX_PUBLISH_STALL_MS: wholeNumber(100, 600_000, 3_000),
  SCHEDULER: oneOf(['on', 'off'], 'on'),
  SCHEDULER_INTERVAL_MS: wholeNumber(10, 3_600_000, 1000),
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
  SHUTDOWN_TIMEOUT_MS: wholeNumber(100, 600_000, 10_000),
  DATABASE_ANSWER_TIMEOUT_MS: wholeNumber(100, 600_000, 10_000),
  CORS_ORIGINS: optionalText.refine(
    (v) => v === undefined || v.split(',').every((o) => /^https?:\/\/[^\s/,]+$/.test(o.trim())),
    {
      message:
        'must be a comma-separated list of origins (scheme://host[:port], no path), e.g. https://app.example.com',
    },
  ),
  METRICS: oneOf(['on', 'off'], 'on'),
  HTTP_HEADERS_TIMEOUT_MS: wholeNumber(100, 600_000, DEFAULT_CONNECTION_TIMEOUTS.headersTimeoutMs),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: wholeNumber(
    NODE_KEEP_ALIVE_BUFFER_MS + 100,
    3_600_000,
    DEFAULT_CONNECTION_TIMEOUTS.keepAliveTimeoutMs,
  ),
});

type Settings = z.infer<typeof schema>;
type SettingName = keyof Settings;

/**
 * The service's settings, or a `ConfigError` naming every problem in one go: each variable is read on its own, and
 * each check of variables taken together runs unless one of them already has a problem of its own.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const problems = new Problems();
  const v = eachSetting(env, problems);
  const tracing = tracingSettings(env, problems.found);
  // Any case: `Production` is meant as production, and taking it otherwise would start with development tokens.
  const production = v.NODE_ENV?.toLowerCase() === 'production';
  const dataDir = resolve(v.DATA_DIR ?? 'data');
  const auth = problems.together(['AUTH_JWT_SECRET', 'AUTH_JWKS_URL'], () =>
    authSettings(v.AUTH_JWT_SECRET, v.AUTH_JWKS_URL, production),
  );
  const database = problems.together(['DATABASE_URL', 'DATABASE_SCHEMA'], () =>
    databaseLocation(v.DATABASE_URL, v.DATABASE_SCHEMA, dataDir),
  );
  const kafka = kafkaSettings(v, problems);
  if (problems.found.length > 0 || auth === undefined || database === undefined) throw new ConfigError(problems.found);
  return {
    production,
    port: v.PORT,
    // Development mode prints a token that takes every scope: the service answers this machine only, unless told.
    host: v.HOST ?? (auth.mode === 'development' ? '127.0.0.1' : undefined),
    basePath: v.BASE_PATH,
    dataDir,
    database,
    databaseAnswerTimeoutMs: v.DATABASE_ANSWER_TIMEOUT_MS,
    auth,
    issuer: v.AUTH_ISSUER,
    audience: v.AUTH_AUDIENCE,
    clockToleranceSeconds: v.AUTH_CLOCK_TOLERANCE_SECONDS,
    idempotencyRetentionHours: v.IDEMPOTENCY_RETENTION_HOURS,
    outboxRetentionHours: v.OUTBOX_RETENTION_HOURS,
    kafka,
    relay: {
      enabled: v.OUTBOX_RELAY === 'on',
      pollIntervalMs: v.OUTBOX_POLL_INTERVAL_MS,
      batchSize: v.OUTBOX_BATCH_SIZE,
      publishStallMs: v.OUTBOX_PUBLISH_STALL_MS,
      ...(v.RELAY_PORT === undefined ? {} : { port: v.RELAY_PORT }),
    },
    scheduler: { enabled: v.SCHEDULER === 'on', intervalMs: v.SCHEDULER_INTERVAL_MS },
    logLevel: v.LOG_LEVEL,
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    corsOrigins: v.CORS_ORIGINS?.split(',').map((origin) => origin.trim()) ?? [],
    metricsEnabled: v.METRICS === 'on',
    connectionTimeouts: {
      headersTimeoutMs: v.HTTP_HEADERS_TIMEOUT_MS,
      keepAliveTimeoutMs: v.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    tracing,
  };
}

/** The problems found in the settings so far, and the variables that could not be read on their own. */
class Problems {
  readonly found: string[] = [];
  readonly unreadable = new Set<SettingName>();

  /**
   * What `check` of the variables `names` taken together answers; undefined when it finds problems (noted here) or
   * when one of `names` could not be read, whose problem is noted already.
   */
  together<T>(names: readonly SettingName[], check: () => T): T | undefined {
    if (names.some((name) => this.unreadable.has(name))) return undefined;
    try {
      return check();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.found.push(...error.problems);
      return undefined;
    }
  }
}

/** Each variable read by its own part of the schema; those that cannot be read are left out, their problems noted. */
function eachSetting(env: NodeJS.ProcessEnv, problems: Problems): Settings {
  const settings: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(schema.shape) as Array<[SettingName, z.ZodType]>) {
    const read = setting.safeParse(env[name]);
    if (read.success) settings[name] = read.data;
    else {
      problems.unreadable.add(name);
      problems.found.push(...read.error.issues.map((issue) => `${name} ${issue.message}`));
    }
  }
  return settings as Settings;
}

const KAFKA_SECURITY: readonly SettingName[] = [
  'KAFKA_SSL',
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SSL_CERT_FILE',
  'KAFKA_SSL_KEY_FILE',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
];

/** The brokers' settings; none without KAFKA_BROKERS, or when some of them have problems (noted in `problems`). */
function kafkaSettings(v: Settings, problems: Problems): KafkaSettings | undefined {
  if (v.KAFKA_BROKERS === undefined && !problems.unreadable.has('KAFKA_BROKERS')) return undefined;
  const replicationFactor = v.KAFKA_TOPIC_REPLICATION_FACTOR;
  const minInsync = v.KAFKA_TOPIC_MIN_INSYNC_REPLICAS;
  const replicas = problems.together(['KAFKA_TOPIC_REPLICATION_FACTOR', 'KAFKA_TOPIC_MIN_INSYNC_REPLICAS'], () => {
    if (replicationFactor !== undefined && minInsync !== undefined && minInsync > replicationFactor)
      throw new ConfigError([
        `KAFKA_TOPIC_MIN_INSYNC_REPLICAS (${minInsync}) must not exceed KAFKA_TOPIC_REPLICATION_FACTOR (${replicationFactor}): no write could ever be acknowledged`,
      ]);
    return true;
  });
  const security = problems.together(KAFKA_SECURITY, () => kafkaSecurity(v));
  if (v.KAFKA_BROKERS === undefined || replicas === undefined || security === undefined) return undefined;
  return {
    brokers: v.KAFKA_BROKERS.split(',').map((broker) => broker.trim()),
    clientId: v.KAFKA_CLIENT_ID ?? 'campaign-service',
    topic: v.KAFKA_TOPIC ?? 'campaign-events',
    topicPartitions: v.KAFKA_TOPIC_PARTITIONS,
    topicReplicationFactor: replicationFactor,
    topicMinInsyncReplicas: minInsync,
    eventSource: v.CLOUDEVENTS_SOURCE ?? '/campaign-service',
    ...security,
  };
}

/** TLS and SASL to the brokers, each only when asked for, checked together. */
function kafkaSecurity(v: Settings): Pick<KafkaSettings, 'tls' | 'sasl'> {
  const problems: string[] = [];
  const files = { caFile: v.KAFKA_SSL_CA_FILE, certFile: v.KAFKA_SSL_CERT_FILE, keyFile: v.KAFKA_SSL_KEY_FILE };
  const anyFile = Object.values(files).some((file) => file !== undefined);
  if (v.KAFKA_SSL === 'off' && anyFile) {
    problems.push(
      'KAFKA_SSL is off while KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE or KAFKA_SSL_KEY_FILE is set: set KAFKA_SSL=on, or leave the files out',
    );
  }
  if ((files.certFile === undefined) !== (files.keyFile === undefined)) {
    problems.push('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together: a client certificate needs its key');
  }
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = v;
  if (mechanism !== undefined && (username === undefined || password === undefined)) {
    problems.push(`KAFKA_SASL_MECHANISM ${mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
  }
  if (mechanism === undefined && (username !== undefined || password !== undefined)) {
    problems.push(
      `KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD need KAFKA_SASL_MECHANISM (${SASL_MECHANISMS.join(', ')})`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const tls = v.KAFKA_SSL === 'on' || (v.KAFKA_SSL === undefined && anyFile);
  const read = tls ? readTlsFiles(files) : undefined;
  if (read !== undefined && 'problem' in read) throw new ConfigError([read.problem]);
  return {
    ...(read === undefined ? {} : { tls: read }),
    ...(mechanism === undefined ? {} : { sasl: { mechanism, username: username!, password: password! } }),
  };
}

function authSettings(secret: string | undefined, jwksUrl: string | undefined, production: boolean): AuthSettings {
  if (secret !== undefined && jwksUrl !== undefined) {
    throw new ConfigError(['AUTH_JWT_SECRET and AUTH_JWKS_URL are both set: choose one way to verify tokens']);
  }
  if (secret !== undefined) return { mode: 'secret', secret };
  if (jwksUrl !== undefined) return { mode: 'jwks', jwksUrl: new URL(jwksUrl) };
  if (production) {
    throw new ConfigError([
      'AUTH_JWT_SECRET or AUTH_JWKS_URL is required when NODE_ENV=production (no development tokens in production)',
    ]);
  }
  return { mode: 'development' };
}

export function databaseLocation(
  url: string | undefined,
  schema: string | undefined,
  dataDir: string,
): DatabaseLocation {
  if (url === undefined) return { kind: 'sqlite', filename: resolve(dataDir, 'campaigns.sqlite') };
  if (/^postgres(ql)?:\/\//.test(url))
    return { kind: 'postgres', connectionString: url, ...(schema ? { schema } : {}) };
  const sqlitePath = /^(sqlite|file):(\/\/)?(.+)$/.exec(url)?.[3];
  if (sqlitePath !== undefined && /^:memory:|[?&]mode=memory(&|$)/.test(sqlitePath))
    throw new ConfigError([
      'DATABASE_URL names an in-memory SQLite database, which loses every change when the process exits and which another process (npm run relay, npm run migrate) cannot open: give a file, e.g. sqlite:./data/campaigns.sqlite',
    ]);
  if (sqlitePath !== undefined) return { kind: 'sqlite', filename: resolve(sqlitePath) };
  throw new ConfigError(['DATABASE_URL must be postgres://user@host:port/database or sqlite:path/to/file.sqlite']);
}

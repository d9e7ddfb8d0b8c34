import { checkOtelSdkVariables, wholeNumberVariable } from './otel-sdk-variables.js';

export type SpanExporterName = 'otlp' | 'console';
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export const SAMPLER_NAMES = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLER_NAMES)[number];

/** OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG: the sampler that decides a trace's sampled flag. */
export interface SamplerSettings {
  name: SamplerName;
  /** The share of traces the ratio samplers take, from 0 to 1. */
  ratio: number;
}

/**
 * Which exporters the OpenTelemetry SDK sends finished spans to, the sampler (which also sets the flag carried
 * without an exporter) and the link limit. The SDK reads the other OTEL_* variables itself (endpoint, headers,
 * timeout, resource, batching); each is checked here all the same, so a typo stops the service instead of silently
 * changing what is exported.
 */
export interface TracingSettings {
  /** Empty: nothing leaves the process (the trace context is still carried through the outbox). */
  exporters: SpanExporterName[];
  otlpProtocol: OtlpProtocol;
  sampler: SamplerSettings;
  /** OTEL_SPAN_LINK_COUNT_LIMIT: a relay's publish links to every event of its batch. */
  linkCountLimit: number;
}

/** A relay's publish links to every event of its batch (up to OUTBOX_BATCH_SIZE, at most 10,000), not the SDK's 128. */
const DEFAULT_LINK_COUNT_LIMIT = 10_000;

const PROTOCOLS: readonly string[] = ['http/protobuf', 'http/json'];

/**
 * OTEL_TRACES_EXPORTER as the specification reads it (a comma-separated list of otlp, console, none), with one
 * difference: unset, it means `otlp` only when an OTLP endpoint is configured, so a service nobody pointed at a
 * collector sends nothing to localhost:4318. Adds what is wrong to `problems`.
 */
export function tracingSettings(env: NodeJS.ProcessEnv, problems: string[]): TracingSettings {
  const text = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const endpointNames = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  for (const name of endpointNames) {
    const value = text(name);
    if (value !== undefined && !/^https?:\/\//.test(value)) problems.push(`${name} must be an http:// or https:// URL`);
  }
  const protocolName = text('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL')
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = text(protocolName) ?? 'http/protobuf';
  if (!PROTOCOLS.includes(protocol))
    problems.push(`${protocolName} must be http/protobuf or http/json (OTLP over HTTP, port 4318)`);

  let exporters: SpanExporterName[];
  const listed = text('OTEL_TRACES_EXPORTER');
  if (listed === undefined) {
    exporters = endpointNames.some((name) => text(name) !== undefined) ? ['otlp'] : [];
  } else {
    const names = listed.split(',').map((name) => name.trim().toLowerCase());
    if (!names.every((name) => name === 'otlp' || name === 'console' || name === 'none')) {
      problems.push('OTEL_TRACES_EXPORTER must be otlp, console or none, or a comma-separated list of them');
    }
    exporters = [...new Set(names.filter((name): name is SpanExporterName => name === 'otlp' || name === 'console'))];
  }
  if (text('OTEL_SDK_DISABLED')?.toLowerCase() === 'true') exporters = [];
  checkOtelSdkVariables(env, problems);
  return {
    exporters,
    otlpProtocol: protocol as OtlpProtocol,
    sampler: samplerSettings(env, problems),
    linkCountLimit: wholeNumberVariable(env, 'OTEL_SPAN_LINK_COUNT_LIMIT', 0, []) ?? DEFAULT_LINK_COUNT_LIMIT,
  };
}

/**
 * The sampler as the SDK reads it: its name exactly (the SDK does not trim it), and a ratio that is a decimal
 * number from 0 to 1, 1 when unset. A name the SDK does not know is refused, not taken as the default.
 */
export function samplerSettings(env: NodeJS.ProcessEnv, problems: string[]): SamplerSettings {
  const given = env.OTEL_TRACES_SAMPLER;
  const name = given === undefined || given.trim() === '' ? 'parentbased_always_on' : given;
  if (!(SAMPLER_NAMES as readonly string[]).includes(name))
    problems.push(`OTEL_TRACES_SAMPLER must be one of ${SAMPLER_NAMES.join(', ')}`);
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim() ?? '';
  const ratio = arg === '' ? 1 : /^(\d+(\.\d*)?|\.\d+)$/.test(arg) ? Number(arg) : Number.NaN;
  if (!(ratio >= 0 && ratio <= 1))
    problems.push('OTEL_TRACES_SAMPLER_ARG must be a decimal number from 0 to 1 (the share of traces sampled)');
  return {
    name: (SAMPLER_NAMES as readonly string[]).includes(name) ? (name as SamplerName) : 'parentbased_always_on',
    ratio: ratio >= 0 && ratio <= 1 ? ratio : 1,
  };
}

export type SpanExporterName = 'otlp' | 'console';
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/**
 * Which exporters the OpenTelemetry SDK sends finished spans to. The SDK reads every other OTEL_* variable
 * itself (endpoint, headers, timeout, sampler, resource, batching); these are the ones that choose which of its
 * packages to load, checked here so a typo stops the service instead of silently exporting nothing.
 */
export interface TracingSettings {
  /** Empty: nothing leaves the process (the trace context is still carried through the outbox). */
  exporters: SpanExporterName[];
  otlpProtocol: OtlpProtocol;
}

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
  return { exporters, otlpProtocol: protocol as OtlpProtocol };
}

/**
 * The OTEL_* variables the OpenTelemetry SDK reads itself, checked at startup: the SDK meets a value it cannot read
 * with a warning at most (without an exporter it is not even loaded) and goes on with its default, so a typo would
 * silently change what is exported. Each check takes what the SDK reads the same way and refuses the rest.
 */

/** Whole numbers the SDK reads for its batch span processor, its limits and the exporter's timeout. */
const WHOLE_NUMBERS: ReadonlyArray<{ name: string; min: number }> = [
  { name: 'OTEL_BSP_SCHEDULE_DELAY', min: 0 },
  { name: 'OTEL_BSP_EXPORT_TIMEOUT', min: 1 },
  { name: 'OTEL_BSP_MAX_QUEUE_SIZE', min: 1 },
  { name: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', min: 1 },
  { name: 'OTEL_SPAN_LINK_COUNT_LIMIT', min: 0 },
  { name: 'OTEL_EXPORTER_OTLP_TIMEOUT', min: 1 },
  { name: 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', min: 1 },
];

const COMPRESSIONS = ['OTEL_EXPORTER_OTLP_COMPRESSION', 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION'];

/** The SDK's limit on a resource attribute's key and value, after percent-decoding. */
const RESOURCE_ATTRIBUTE_MAX_LENGTH = 255;

const setValue = (env: NodeJS.ProcessEnv, name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);

/** The whole number `name` holds, undefined when it is unset or blank; adds what is wrong to `problems`. */
export function wholeNumberVariable(
  env: NodeJS.ProcessEnv,
  name: string,
  min: number,
  problems: string[],
): number | undefined {
  const value = setValue(env, name);
  if (value === undefined) return undefined;
  const number = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= min)) {
    problems.push(`${name} must be a whole number of at least ${min}`);
    return undefined;
  }
  return number;
}

export function checkOtelSdkVariables(env: NodeJS.ProcessEnv, problems: string[]): void {
  for (const { name, min } of WHOLE_NUMBERS) wholeNumberVariable(env, name, min, problems);
  for (const name of COMPRESSIONS) {
    const value = setValue(env, name);
    if (value !== undefined && value !== 'gzip' && value !== 'none') problems.push(`${name} must be gzip or none`);
  }
  const disabled = setValue(env, 'OTEL_SDK_DISABLED')?.toLowerCase();
  if (disabled !== undefined && disabled !== 'true' && disabled !== 'false')
    problems.push('OTEL_SDK_DISABLED must be true or false');
  const attributes = setValue(env, 'OTEL_RESOURCE_ATTRIBUTES');
  if (attributes !== undefined && !resourceAttributesReadable(attributes)) {
    problems.push(
      `OTEL_RESOURCE_ATTRIBUTES must be key=value pairs separated by commas, with "," and "=" in keys and values percent-encoded and each at most ${RESOURCE_ATTRIBUTE_MAX_LENGTH} characters`,
    );
  }
}

/** As the SDK's environment detector reads them: one bad pair and it drops every attribute. */
function resourceAttributesReadable(text: string): boolean {
  return text
    .split(',')
    .filter((pair) => pair.trim() !== '')
    .every((pair) => {
      const parts = pair.split('=');
      if (parts.length !== 2 || parts[0]!.trim() === '') return false;
      try {
        return parts.every((part) => decodeURIComponent(part.trim()).length <= RESOURCE_ATTRIBUTE_MAX_LENGTH);
      } catch {
        return false;
      }
    });
}

import { createRequire } from 'node:module';
import { trace } from '@opentelemetry/api';
import { type DestinationStream, type Logger, pino } from 'pino';
import { OffLoopWriter } from '../adapters/logging/off-loop-writer.js';

/** Never logged, even if some code passes a request, its headers or a credential to the logger. */
const REDACTED_PATHS = [
  'authorization',
  'token',
  'secret',
  '*.authorization',
  '*.token',
  '*.secret',
  '*.headers.authorization',
  '*.headers["x-voltmx-authorization"]',
  'req.headers.authorization',
  'req.headers["x-voltmx-authorization"]',
];

export interface LoggerOptions {
  /** Human-readable lines through pino-pretty (a development dependency), when it is installed. */
  pretty?: boolean;
  /** Where the lines go instead of stdout (tests read them). */
  destination?: DestinationStream;
}

/**
 * JSON lines on stdout, one object per event, written off the event loop: a line waits in memory only while the
 * write before it is in flight, and whatever waits is written before the process exits (unless nothing reads stdout
 * any more: the process then stops and exits all the same, its lines lost).
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', options: LoggerOptions = {}): Logger {
  const settings = {
    level,
    base: { service: serviceName() },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    mixin: traceFields,
  };
  if (options.destination !== undefined) return pino(settings, options.destination);
  if (options.pretty && prettyPrinterInstalled()) return pino({ ...settings, transport: { target: 'pino-pretty' } });
  const logger = pino(settings, sharedStdout());
  writingToStdout.add(logger);
  return logger;
}

/** The name spans carry as `service.name` (OTEL_SERVICE_NAME), so that logs and traces name the service alike. */
function serviceName(): string {
  return process.env.OTEL_SERVICE_NAME?.trim() || 'campaign-service';
}

const writingToStdout = new WeakSet<Logger>();

/** One writer for stdout, however many loggers write to it: their lines keep one order. */
let stdoutWriter: OffLoopWriter | undefined;

function sharedStdout(): OffLoopWriter {
  stdoutWriter ??= new OffLoopWriter(1);
  return stdoutWriter;
}

/**
 * Writes `text` to stdout after every line `logger` has logged so far: through the same asynchronous destination
 * when the logger writes to stdout itself, straight to stdout otherwise.
 */
export function writeAfterLogLines(logger: Logger, text: string): void {
  if (writingToStdout.has(logger)) sharedStdout().write(text);
  else process.stdout.write(text);
}

/** A line written inside a traced request or publish names its trace and span, so logs and traces meet. */
function traceFields(): { trace_id?: string; span_id?: string; trace_flags?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !trace.isSpanContextValid(spanContext)) return {};
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: `0${spanContext.traceFlags.toString(16)}`,
  };
}

/** A production install (`npm ci --omit=dev`) has no pino-pretty: it then logs JSON. */
function prettyPrinterInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';

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

/** JSON lines on stdout, one object per event. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', options: LoggerOptions = {}): Logger {
  const settings = { level, base: { service: 'campaign-service' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (options.destination !== undefined) return pino(settings, options.destination);
  if (options.pretty && prettyPrinterInstalled()) return pino({ ...settings, transport: { target: 'pino-pretty' } });
  return pino(settings);
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

import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';

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
}

/** JSON lines on stdout, one object per event. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', options: LoggerOptions = {}): Logger {
  return pino({
    level,
    base: { service: 'campaign-service' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(options.pretty && prettyPrinterInstalled() ? { transport: { target: 'pino-pretty' } } : {}),
  });
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

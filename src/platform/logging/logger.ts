import { pino, type Logger, type DestinationStream } from 'pino';

/**
 * Field names that may carry personal data anywhere in a log object. They are censored before a line
 * is written, so a careless `log.info({ input })` cannot leak a citizen's phone number.
 */
export const PERSONAL_FIELDS = ['phone', 'name', 'address', 'email', 'requester', 'requesterName', 'requesterPhone', 'firstName', 'lastName', 'idNumber', 'password', 'apiKey', 'api_key', 'phoneLast4', 'first_name', 'last_name'];

const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  ...PERSONAL_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];

export interface LoggerOptions {
  level?: string;
  /** Write somewhere else than stdout (tests capture lines this way). */
  destination?: DestinationStream;
  /** Log to stderr, keeping stdout for a command's output (CLI commands). */
  stderr?: boolean;
}

/** The process logger: JSON lines, personal fields censored. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: { app: 'cityloop' },
    },
    options.destination ?? (options.stderr ? pino.destination({ dest: 2, sync: true }) : undefined),
  );
}

export type { Logger };

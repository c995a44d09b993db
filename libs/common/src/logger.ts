import { pino, type Logger, type LoggerOptions } from 'pino';

/** Options for every service's pino logger: JSON lines with the service name, secrets redacted. */
export function loggerOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.passwordHash', '*.token', '*.accessToken'],
      censor: '[redacted]',
    },
  };
}

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(loggerOptions(service, level));
}

export type { Logger };

import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout. Child loggers carry `correlation_id` (per request) or `job_id`. */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    base: { service: 'globeco-order-generation-service', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label.toUpperCase() }) },
  });
}

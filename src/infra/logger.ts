import pino from 'pino';
import type { Logger } from '../core/logger.ts';

/**
 * The process logger: pino, JSON lines on stderr so stdout stays free for `simulate` and `export`
 * output. `LOG_LEVEL` sets the level (default `info`).
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}

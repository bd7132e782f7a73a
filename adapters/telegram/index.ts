import type { PlatformAdapter } from '../../src/core/adapter.ts';
import type { Logger } from '../../src/core/logger.ts';
import { TelegramAdapter, type WebhookOptions } from './telegram-adapter.ts';

export { TelegramAdapter, type TelegramAdapterOptions, type WebhookOptions } from './telegram-adapter.ts';

/** The environment variables this adapter reads (a subset of the validated env). */
export interface TelegramEnv {
  readonly TELEGRAM_BOT_TOKEN?: string | undefined;
  readonly TELEGRAM_API_ROOT?: string | undefined;
  readonly TELEGRAM_WEBHOOK_URL?: string | undefined;
  readonly TELEGRAM_WEBHOOK_PORT?: string | undefined;
  readonly TELEGRAM_WEBHOOK_SECRET?: string | undefined;
}

/** The composition root's entry point: builds the adapter from `TELEGRAM_*` variables. */
export function createAdapter(env: TelegramEnv, logger: Logger): PlatformAdapter {
  if (!env.TELEGRAM_BOT_TOKEN) throw new Error('TELEGRAM_BOT_TOKEN is not set');
  let webhook: WebhookOptions | undefined;
  if (env.TELEGRAM_WEBHOOK_URL) {
    const port = Number(env.TELEGRAM_WEBHOOK_PORT ?? '8443');
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`TELEGRAM_WEBHOOK_PORT: "${env.TELEGRAM_WEBHOOK_PORT}" is not a port`);
    webhook = { url: env.TELEGRAM_WEBHOOK_URL, port, ...(env.TELEGRAM_WEBHOOK_SECRET ? { secret: env.TELEGRAM_WEBHOOK_SECRET } : {}) };
  }
  return new TelegramAdapter({
    token: env.TELEGRAM_BOT_TOKEN,
    logger,
    ...(env.TELEGRAM_API_ROOT ? { apiRoot: env.TELEGRAM_API_ROOT } : {}),
    ...(webhook ? { webhook } : {}),
  });
}

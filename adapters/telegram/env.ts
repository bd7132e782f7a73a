import type { AdapterDescriptor } from '../../src/core/adapter-env.ts';

/** The Telegram adapter's environment: read by the composition root before it loads grammY. */
export const telegramDescriptor: AdapterDescriptor = {
  platform: 'telegram',
  enabledBy: 'TELEGRAM_BOT_TOKEN',
  env: {
    TELEGRAM_BOT_TOKEN: { description: 'the BotFather token; setting it starts the Telegram adapter', required: true, secret: true, pattern: /^\d+:[\w-]+$/ },
    TELEGRAM_API_ROOT: { description: 'another Bot API server (self-hosted, or the loopback fake the tests use)', pattern: /^https?:\/\// },
    TELEGRAM_WEBHOOK_URL: { description: 'webhook mode: the public HTTPS URL Telegram calls', pattern: /^https:\/\// },
    TELEGRAM_WEBHOOK_PORT: { description: 'the local port the webhook server listens on, on 127.0.0.1 (default 8443)' },
    TELEGRAM_WEBHOOK_SECRET: { description: 'a secret Telegram sends with each webhook call', secret: true, pattern: /^[A-Za-z0-9_-]{1,256}$/ },
  },
};

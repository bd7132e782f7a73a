import { createServer, type Server } from 'node:http';
import { autoRetry, type AutoRetryOptions } from '@grammyjs/auto-retry';
import { Bot, InputFile, webhookCallback, type Transformer } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { Capability, EventSink, PlatformAdapter } from '../../src/core/adapter.ts';
import type { CommandCatalog } from '../../src/core/catalog.ts';
import { AdapterError } from '../../src/core/errors.ts';
import type { PlatformRole } from '../../src/core/events.ts';
import type { Logger } from '../../src/core/logger.ts';
import type { Body, Outbound } from '../../src/core/outbound.ts';
import { seg } from '../../src/core/outbound.ts';
import type { SendReceipt } from '../../src/core/outbox.ts';
import { AdminCache } from './admins.ts';
import { publishCommandMenu } from './command-menu.ts';
import { toAdapterError } from './errors.ts';
import { ALLOWED_UPDATES, mapUpdate } from './inbound.ts';
import { renderChunks } from './render.ts';
import { reconnectingPolls } from './reconnect.ts';
import { OutboundThrottle, realTiming, TELEGRAM_LIMITS, type ThrottleLimits, type ThrottleTiming } from './throttle.ts';

/** Webhook mode: Telegram calls `url` (your HTTPS proxy), which forwards to `host:port` here. */
export interface WebhookOptions {
  readonly url: string;
  readonly port: number;
  /** Where the local server listens; loopback by default, behind the HTTPS proxy. */
  readonly host?: string;
  readonly secret?: string;
}

export interface TelegramAdapterOptions {
  readonly token: string;
  readonly logger: Logger;
  /** Another Bot API server (self-hosted, or a loopback fake in tests). */
  readonly apiRoot?: string;
  /** Webhook instead of long polling. */
  readonly webhook?: WebhookOptions;
  /** Long-poll timeout in seconds (Telegram holds getUpdates open this long). */
  readonly pollTimeoutSeconds?: number;
  /** The auto-retry plugin's options (429 with retry_after, 5xx, network errors). */
  readonly autoRetry?: Partial<AutoRetryOptions>;
  /** Clock and sleep for the outbound throttle and the polling restart backoff. */
  readonly timing?: ThrottleTiming;
  readonly limits?: ThrottleLimits;
  /** How long a group's admin list is trusted. */
  readonly adminTtlMs?: number;
  /** How long a tier invite link stays valid. */
  readonly inviteTtlSeconds?: number;
  /** Extra API transformers (tests record calls with one). */
  readonly transformers?: readonly Transformer[];
  /** The bot's account, when known, to skip getMe (the handleUpdate test lane). */
  readonly botInfo?: UserFromGetMe;
  /**
   * `manual`: start() connects but neither polls nor serves a webhook; the caller feeds updates
   * with `adapter.bot.handleUpdate` (grammY's runner, a serverless handler, the test lane).
   */
  readonly receive?: 'manual';
}

/** The longest pause between polling restarts. */
const MAX_RESTART_DELAY_MS = 60_000;

/**
 * Hearth on Telegram through grammY. Long polling by default, a webhook server as an option.
 * Inbound updates become core events (`inbound.ts`); outbound bodies are rendered to HTML, split
 * at Telegram's limit, paced per chat and overall (`throttle.ts`), and SDK errors become
 * AdapterErrors so the core's router can retry or fall back.
 */
export class TelegramAdapter implements PlatformAdapter {
  readonly platform = 'telegram' as const;
  /**
   * No member list (the Bot API has none). Joins, leaves and reactions arrive only in groups where
   * the bot is an admin; roles come from getChatAdministrators.
   */
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>([
    'dm',
    'member-join-events',
    'member-leave-events',
    'platform-roles',
    'invite-links',
    'command-menu',
    'reactions',
    'files',
  ]);
  readonly bot: Bot;
  private readonly logger: Logger;
  private readonly timing: ThrottleTiming;
  private readonly throttle: OutboundThrottle;
  private readonly admins: AdminCache;
  /** Chunks of an outbound already delivered, so the router's retry does not repeat them. */
  private readonly progress = new WeakMap<Outbound, { sent: number; link?: string }>();
  private sink: EventSink | undefined;
  private polling: Promise<void> | undefined;
  private server: Server | undefined;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  /** Aborted on stop, to cut a restart backoff short. */
  private readonly halt = new AbortController();

  constructor(private readonly options: TelegramAdapterOptions) {
    this.logger = options.logger;
    this.timing = options.timing ?? realTiming;
    this.throttle = new OutboundThrottle(this.timing, options.limits ?? TELEGRAM_LIMITS);
    this.bot = new Bot(options.token, {
      ...(options.apiRoot ? { client: { apiRoot: options.apiRoot } } : {}),
      ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    });
    for (const t of options.transformers ?? []) this.bot.api.config.use(t);
    // Sends: auto-retry waits out 429s (retry_after) and retries 5xx and network errors; what it
    // gives up on reaches the core's router as an AdapterError, to be retried or parked there.
    // Polls: reconnectingPolls, with a backoff capped at 30 s instead of auto-retry's hour.
    const retry = autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60, ...options.autoRetry });
    const reconnect = reconnectingPolls({ timing: this.timing, logger: this.logger, stopping: () => this.stopping });
    this.bot.api.config.use((prev, method, payload, signal) => (method === 'getUpdates' ? reconnect : retry)(prev, method, payload, signal));
    this.admins = new AdminCache((chatId) => this.fetchAdmins(chatId), this.timing.now, options.adminTtlMs);
    this.bot.use((ctx) => this.handle(ctx.update));
    // grammY's default error handler rethrows, which stops long polling: one bad update must not.
    this.bot.catch((err) => this.logger.error({ err: err.error, update: err.ctx.update.update_id }, 'telegram update failed'));
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
    await this.bot.init();
    this.selfCheck(this.bot.botInfo);
    const webhook = this.options.webhook;
    if (this.options.receive === 'manual') return;
    if (webhook) {
      await this.startWebhook(webhook);
      return;
    }
    await new Promise<void>((ready) => {
      this.polling = this.poll(ready);
    });
  }

  /** Logs who the bot is and what it can see, so a deployment problem shows at start, not in a week. */
  private selfCheck(me: UserFromGetMe): void {
    const mode = this.options.webhook ? 'webhook' : 'long polling';
    this.logger.info({ username: me.username, id: me.id, mode, apiRoot: this.options.apiRoot ?? 'https://api.telegram.org' }, `telegram: connected as @${me.username}`);
    if (me.can_read_all_group_messages) {
      this.logger.info({ username: me.username }, 'telegram: privacy mode is off, the bot reads every group message');
    } else {
      this.logger.warn(
        { username: me.username },
        'telegram: privacy mode is on, so in groups where the bot is not an admin it sees only commands and replies (no post or share points); turn it off with /setprivacy in @BotFather, or make the bot an admin',
      );
    }
    this.logger.info({ username: me.username }, 'telegram: joins and leaves with inviter, and reactions, are reported only in groups where the bot is an admin');
  }

  /**
   * Long polling, restarted with exponential backoff when grammY gives up (a 409 from a second
   * instance, a 401 after a token change). Network loss inside a poll is bridged by
   * `reconnectingPolls`, below grammY's loop.
   */
  private async poll(ready: () => void): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        await this.bot.start({
          allowed_updates: [...ALLOWED_UPDATES],
          timeout: this.options.pollTimeoutSeconds ?? 30,
          onStart: () => {
            failures = 0;
            ready();
          },
        });
      } catch (err) {
        if (this.stopping) break;
        failures++;
        const delay = Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** (failures - 1));
        this.logger.error({ err: toAdapterError(err).message, delay, failures }, 'telegram: polling stopped, restarting');
        ready();
        await this.timing.sleep(delay, this.halt.signal).catch(() => undefined);
      }
    }
  }

  private async startWebhook(webhook: WebhookOptions): Promise<void> {
    const handler = webhookCallback(this.bot, 'http', {
      ...(webhook.secret ? { secretToken: webhook.secret } : {}),
      // The core answers after its transaction commits, then sends; Telegram only needs the 200.
      onTimeout: 'return',
    });
    const path = new URL(webhook.url).pathname;
    const server = createServer((req, res) => {
      if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== path) {
        res.writeHead(404).end();
        return;
      }
      handler(req, res).catch((err: unknown) => {
        this.logger.error({ err }, 'telegram webhook call failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(webhook.port, webhook.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    await this.bot.api.setWebhook(webhook.url, {
      allowed_updates: [...ALLOWED_UPDATES],
      ...(webhook.secret ? { secret_token: webhook.secret } : {}),
    });
    this.logger.info({ url: webhook.url, port: this.webhookPort }, 'telegram: webhook set');
  }

  /** The port the webhook server listens on (useful with port 0). */
  get webhookPort(): number | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : undefined;
  }

  /** Stops polling (confirming the last update to Telegram) or closes the webhook server. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    this.halt.abort();
    if (this.server) {
      const server = this.server;
      const closed = new Promise<void>((r) => server.close(() => r()));
      // Idle keep-alive connections from the HTTPS proxy would otherwise hold close() open; a call
      // in flight still finishes.
      server.closeIdleConnections();
      await closed;
    }
    if (this.bot.isRunning()) {
      await this.bot.stop().catch((err: unknown) => this.logger.warn({ err: toAdapterError(err).message }, 'telegram: could not confirm the last update'));
    }
    await this.polling;
    this.sink = undefined;
  }

  /** One update: look up the sender's admin status where it matters, map, hand to the core. */
  private async handle(update: Update): Promise<void> {
    const sink = this.sink;
    if (!sink) return;
    const member = update.chat_member;
    if (member && member.old_chat_member.status !== member.new_chat_member.status) this.admins.invalidate(member.chat.id);
    const chat = update.message?.chat ?? update.chat_member?.chat ?? update.message_reaction?.chat;
    let roles: ReadonlyMap<number, PlatformRole> | undefined;
    if (chat && (chat.type === 'group' || chat.type === 'supergroup')) {
      roles = await this.admins.admins(chat.id).catch((err: unknown) => {
        this.logger.warn({ chat: chat.id, err: toAdapterError(err).message }, 'telegram: could not read the group admins');
        return undefined;
      });
    }
    const me = this.bot.botInfo;
    const result = mapUpdate(update, { self: { id: me.id, username: me.username }, roleOf: (_c, user) => roles?.get(user) });
    if ('reason' in result) {
      this.logger.debug({ update: update.update_id, reason: result.reason }, 'telegram update not mapped');
      return;
    }
    for (const event of result.events) await sink(event);
  }

  private async fetchAdmins(chatId: number): Promise<ReadonlyMap<number, PlatformRole>> {
    const list = await this.bot.api.getChatAdministrators(chatId);
    return new Map(list.map((m) => [m.user.id, m.status === 'creator' ? 'owner' : 'admin'] as const));
  }

  async send(out: Outbound): Promise<SendReceipt> {
    try {
      switch (out.type) {
        case 'reply':
          return await this.sendBody(out, out.chat.chatId, out.body, Number(out.replyTo));
        case 'send':
          return await this.sendBody(out, out.chat.chatId, out.body);
        case 'dm':
          return await this.sendBody(out, out.user.userId, out.body);
        case 'invite':
          return await this.sendBody(out, out.user.userId, [...out.body, seg.br(), seg.link(await this.inviteLink(out))]);
        case 'revoke':
          throw new AdapterError('telegram', 'unsupported', 'Telegram has no roles to remove');
      }
    } catch (err) {
      throw toAdapterError(err);
    }
  }

  /** A one-person, expiring link to the higher-tier group, created once per outbound even across retries. */
  private async inviteLink(out: Extract<Outbound, { type: 'invite' }>): Promise<string> {
    const done = this.progress.get(out);
    if (done?.link) return done.link;
    const expire = Math.floor(this.timing.now() / 1000) + (this.options.inviteTtlSeconds ?? 7 * 24 * 3600);
    if (out.door.kind !== 'chat') throw new AdapterError('telegram', 'unsupported', 'Telegram has no roles to grant; a tier door must be a group');
    const link = await this.bot.api.createChatInviteLink(out.door.chat.chatId, {
      member_limit: 1,
      expire_date: expire,
      name: `hearth ${out.user.userId}`.slice(0, 32),
    });
    this.progress.set(out, { sent: 0, link: link.invite_link });
    return link.invite_link;
  }

  /**
   * Telegram has no idempotency key for sendMessage: a crash between Telegram accepting a message
   * and the outbox marking it sent resends it after the restart (see the README's delivery notes).
   */
  private async sendBody(out: Outbound, chatId: string, body: Body, replyTo?: number): Promise<SendReceipt> {
    const chunks = renderChunks(body);
    const progress = this.progress.get(out) ?? { sent: 0 };
    this.progress.set(out, progress);
    let messageId: string | undefined;
    for (let i = progress.sent; i < chunks.length; i++) {
      await this.throttle.acquire(chatId, chatId.startsWith('-'));
      const sent = await this.bot.api.sendMessage(chatId, chunks[i]!, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        // Only the first chunk answers the member's message; the rest follow it.
        ...(replyTo !== undefined && i === 0 ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
      });
      messageId = String(sent.message_id);
      progress.sent = i + 1;
    }
    // Files follow the text as documents (a data export), each counted as delivered like a chunk.
    const files = body.filter((s) => s.type === 'file');
    for (let i = Math.max(0, progress.sent - chunks.length); i < files.length; i++) {
      const file = files[i]!;
      await this.throttle.acquire(chatId, chatId.startsWith('-'));
      const sent = await this.bot.api.sendDocument(chatId, new InputFile(Buffer.from(file.data, 'base64'), file.name));
      messageId ??= String(sent.message_id);
      progress.sent = chunks.length + i + 1;
    }
    return messageId === undefined ? {} : { messageId };
  }

  async publishCatalog(catalog: CommandCatalog): Promise<void> {
    try {
      await publishCommandMenu(this.bot.api, catalog);
    } catch (err) {
      throw toAdapterError(err);
    }
  }
}

import { randomBytes } from 'node:crypto';
import { Client, Events, GatewayIntentBits, Partials, type Guild, type GuildMember, type Message, type MessageReaction, type PartialGuildMember, type PartialMessageReaction, type PartialUser, type SendableChannels, type User } from 'discord.js';
import type { Capability, EventSink, PlatformAdapter } from '../../src/core/adapter.ts';
import { AdapterError } from '../../src/core/errors.ts';
import type { InboundEvent } from '../../src/core/events.ts';
import type { Logger } from '../../src/core/logger.ts';
import type { Body, Outbound } from '../../src/core/outbound.ts';
import { seg } from '../../src/core/outbound.ts';
import type { SendMeta, SendReceipt } from '../../src/core/outbox.ts';
import { toAdapterError } from './errors.ts';
import { lobbyOf, mapJoin, mapLeave, mapMessage, mapReaction, senderOf, type MappingContext } from './inbound.ts';
import { InviteTracker } from './invites.ts';
import { INTENTS, PERMISSIONS, PRIVILEGED, inviteUrl, messageContentEnabled } from './permissions.ts';
import { renderChunks } from './render.ts';

export interface DiscordAdapterOptions {
  readonly token: string;
  readonly logger: Logger;
  /** Another REST API root ending in `/api` (a loopback fake in tests); the gateway URL then comes from its `GET /gateway/bot`. */
  readonly apiRoot?: string;
  /**
   * The longest 429 wait discord.js sits out itself (default 10 s). A longer one is handed to the
   * core's router as `rate_limited` with its wait, so a queue is not held by the SDK for minutes.
   */
  readonly maxRateLimitWaitMs?: number;
  /** How long a tier invite stays valid (default 7 days; Discord allows at most 7). */
  readonly inviteTtlSeconds?: number;
  /** REST request timeout (default 15 s). */
  readonly restTimeoutMs?: number;
  /** How long start() waits for the gateway to be ready (default 60 s). */
  readonly readyTimeoutMs?: number;
  /** Current time for leave events, which Discord does not stamp. */
  readonly now?: () => number;
}

/** Discord accepts a nonce of at most 25 characters. */
const NONCE_BASE_LENGTH = 20;

/**
 * Hearth on Discord through discord.js. A guild's text channels and threads are groups
 * (`discord:<channelId>`); joins and leaves are reported in the guild's lobby (its system
 * channel). Outbound bodies become Discord markdown with member text escaped, split at 2,000
 * characters, sent with `allowed_mentions` that ping only the members the bot itself mentions and
 * with a nonce (`enforce_nonce`) so a retried send is posted once. discord.js handles per-route
 * rate limits and gateway reconnects and resumes; SDK errors become AdapterErrors.
 */
export class DiscordAdapter implements PlatformAdapter {
  readonly platform = 'discord' as const;
  /** Joins and leaves need the GuildMembers intent; the start-up log says when it is missing. */
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>(['dm', 'member-join-events', 'member-leave-events', 'platform-roles', 'invite-links', 'reactions']);
  private client: Client;
  private readonly logger: Logger;
  private readonly invites: InviteTracker;
  private readonly now: () => number;
  /** Chunks of an outbound already delivered, and its nonce, so the router's retry repeats nothing. */
  private readonly progress = new WeakMap<Outbound, { sent: number; nonce: string; invite?: string }>();
  /** Joins are handled one at a time per guild: the invite tracker compares counts between two looks. */
  private readonly joinQueues = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private sink: EventSink | undefined;
  private intents: readonly GatewayIntentBits[] = INTENTS;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private warnedEmptyContent = false;

  constructor(private readonly options: DiscordAdapterOptions) {
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.invites = new InviteTracker((guild) => guild.invites.fetch({ cache: false }));
    this.client = this.buildClient(INTENTS);
  }

  /** The discord.js client (tests read its state). */
  get discord(): Client {
    return this.client;
  }

  private buildClient(intents: readonly GatewayIntentBits[]): Client {
    const maxWait = this.options.maxRateLimitWaitMs ?? 10_000;
    const client = new Client({
      intents: [...intents],
      // Channel: DMs arrive in channels discord.js has not cached. GuildMember and User: a leave
      // of a member not in the cache is still reported. Message and Reaction: reactions to
      // messages sent before the bot started.
      partials: [Partials.Channel, Partials.GuildMember, Partials.User, Partials.Message, Partials.Reaction],
      allowedMentions: { parse: [], repliedUser: false },
      rest: {
        ...(this.options.apiRoot ? { api: this.options.apiRoot } : {}),
        timeout: this.options.restTimeoutMs ?? 15_000,
        // discord.js waits out a 429 and retries; one asking for longer than `maxWait` is
        // rejected instead, and the core's router waits it out (the router never retries a 429
        // discord.js already retried).
        rejectOnRateLimit: (data) => data.retryAfter > maxWait,
      },
    });
    // A rejected async listener is emitted as `error` (discord.js sets captureRejections); with
    // no listener, one late interaction callback (404 Unknown interaction) kills the process.
    client.on(Events.Error, (err) => this.logger.error({ err: toAdapterError(err).message }, 'discord: client error'));
    client.on(Events.ShardError, (err, shard) => this.logger.warn({ err: err.message, shard }, 'discord: gateway connection error'));
    client.on(Events.ShardDisconnect, (event, shard) => this.logger.error({ code: event.code, shard }, 'discord: gateway closed for good'));
    client.on(Events.ShardReconnecting, (shard) => this.logger.warn({ shard }, 'discord: gateway reconnecting'));
    client.on(Events.ShardResume, (shard, replayed) => this.logger.info({ shard, replayed }, 'discord: gateway resumed'));
    client.on(Events.MessageCreate, (m) => this.track(() => this.onMessage(m)));
    client.on(Events.GuildMemberAdd, (m) => this.track(() => this.onJoin(m)));
    client.on(Events.GuildMemberRemove, (m) => this.track(() => this.onLeave(m)));
    client.on(Events.MessageReactionAdd, (r, u) => this.track(() => this.onReaction(r, u)));
    client.on(Events.GuildCreate, (g) => this.track(() => this.onGuildJoined(g)));
    return client;
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
    try {
      await this.login();
    } catch (err) {
      if (!/disallowed intents/i.test((err as Error).message)) throw toAdapterError(err);
      // Discord closes with 4014 when a privileged intent is not switched on in the portal:
      // come up without them and say what that costs, rather than not at all.
      const missing = [...PRIVILEGED.values()];
      this.logger.error({ missing }, 'discord: privileged intents are not enabled for this bot in the Developer Portal (Bot → Privileged Gateway Intents); connecting without them');
      await this.client.destroy();
      this.intents = INTENTS.filter((i) => !PRIVILEGED.has(i));
      this.client = this.buildClient(this.intents);
      await this.login();
    }
    this.selfCheck();
    await Promise.all(this.client.guilds.cache.map((g) => this.primeInvites(g)));
  }

  private async login(): Promise<void> {
    const client = this.client;
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new AdapterError('discord', 'network', 'the gateway did not become ready in time')), this.options.readyTimeoutMs ?? 60_000);
      client.once(Events.ClientReady, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await client.login(this.options.token);
    await ready;
  }

  /** Logs who the bot is, what it can see and the invite URL, so a deployment problem shows at start. */
  private selfCheck(): void {
    const me = this.client.user!;
    const appId = this.client.application?.id ?? me.id;
    this.logger.info({ id: me.id, guilds: this.client.guilds.cache.size, apiRoot: this.options.apiRoot ?? 'https://discord.com/api' }, `discord: connected as ${me.username} in ${this.client.guilds.cache.size} guild(s)`);
    this.logger.info({ permissions: PERMISSIONS.bitfield.toString(), url: inviteUrl(appId) }, `discord: add the bot to a server with ${inviteUrl(appId)} (permissions integer ${PERMISSIONS.bitfield.toString()})`);
    const flags = this.client.application?.flags.bitfield ?? 0;
    const contentOff = !this.intents.includes(GatewayIntentBits.MessageContent) || !messageContentEnabled(Number(flags));
    if (contentOff) this.logger.warn({}, `discord: ${PRIVILEGED.get(GatewayIntentBits.MessageContent)}`);
    if (!this.intents.includes(GatewayIntentBits.GuildMembers)) this.logger.warn({}, `discord: ${PRIVILEGED.get(GatewayIntentBits.GuildMembers)}`);
    for (const guild of this.client.guilds.cache.values()) {
      const mine = guild.members.me?.permissions;
      const lacking = mine ? PERMISSIONS.missing(mine) : [];
      if (lacking.length > 0) this.logger.warn({ guild: guild.id, name: guild.name, lacking }, `discord: in ${guild.name} the bot lacks ${lacking.join(', ')}`);
    }
    if (this.client.guilds.cache.size >= 2000) this.logger.warn({ guilds: this.client.guilds.cache.size }, 'discord: Discord requires sharding from 2,500 guilds; run with shards');
  }

  private async primeInvites(guild: Guild): Promise<void> {
    if (!(await this.invites.prime(guild))) this.logger.info({ guild: guild.id }, 'discord: cannot read this guild\'s invites (needs Manage Guild), so joins are reported without the invite used');
  }

  /** Runs an event handler, logging instead of rejecting, and remembers it so stop() can wait for it. */
  private track(handler: () => Promise<void>): void {
    if (this.stopping) return;
    const run = handler().catch((err: unknown) => this.logger.error({ err }, 'discord: event handling failed'));
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  private get ctx(): MappingContext {
    return { selfId: this.client.user?.id ?? '' };
  }

  private async deliver(event: InboundEvent | undefined): Promise<void> {
    if (event && this.sink && !this.stopping) await this.sink(event);
  }

  private async onMessage(message: Message): Promise<void> {
    const event = mapMessage(message, this.ctx);
    if (!event) return;
    if (!this.warnedEmptyContent && message.guild && !message.author.bot && message.content === '' && message.attachments.size === 0 && message.embeds.length === 0 && message.stickers.size === 0) {
      this.warnedEmptyContent = true;
      this.logger.warn({ channel: message.channelId }, `discord: a member's message arrived with no text. ${PRIVILEGED.get(GatewayIntentBits.MessageContent)}`);
    }
    await this.deliver(event);
  }

  private async onJoin(member: GuildMember): Promise<void> {
    const guild = member.guild;
    const previous = this.joinQueues.get(guild.id) ?? Promise.resolve();
    const next = previous.then(async () => {
      const lobby = lobbyOf(guild);
      if (!lobby || member.id === this.client.user?.id) return;
      const found = await this.invites.used(guild);
      if ('reason' in found) this.logger.debug({ guild: guild.id, member: member.id, reason: found.reason }, 'discord: cannot tell which invite a member used');
      await this.deliver(mapJoin(member, lobby, this.ctx, 'invite' in found ? found.invite : undefined));
    });
    const settled = next.catch(() => undefined);
    this.joinQueues.set(guild.id, settled);
    void settled.then(() => {
      if (this.joinQueues.get(guild.id) === settled) this.joinQueues.delete(guild.id);
    });
    await next;
  }

  private async onLeave(member: GuildMember | PartialGuildMember): Promise<void> {
    const lobby = lobbyOf(member.guild);
    if (!lobby || member.id === this.client.user?.id) return;
    await this.deliver(mapLeave(member, lobby, this.ctx, new Date(this.now())));
  }

  private async onReaction(reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser): Promise<void> {
    const member = reaction.message.guild?.members.cache.get(user.id);
    await this.deliver(mapReaction(reaction, user, member, this.ctx, new Date(this.now())));
  }

  /** The bot was added to a guild: the lobby registers as a group, and the owner is told how to bind it. */
  private async onGuildJoined(guild: Guild): Promise<void> {
    await this.primeInvites(guild);
    const lobby = lobbyOf(guild);
    if (!lobby) return;
    const owner = guild.members.cache.get(guild.ownerId) ?? (await guild.members.fetch(guild.ownerId).catch(() => undefined));
    if (!owner) return;
    await this.deliver({
      type: 'bot.added',
      key: `discord:${guild.id}:added:${guild.joinedTimestamp}`,
      platform: 'discord',
      chat: { platform: 'discord', chatId: lobby },
      chatKind: 'group',
      chatTitle: guild.name,
      at: new Date(guild.joinedTimestamp),
      by: senderOf(owner.user, owner, this.ctx),
    });
  }

  /** Closes the gateway and stops taking events; waits for events being handled. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    await this.client.destroy();
    await Promise.all([...this.inFlight]);
    this.sink = undefined;
  }

  async send(out: Outbound, meta?: SendMeta): Promise<SendReceipt> {
    try {
      switch (out.type) {
        case 'reply':
          return await this.sendBody(out, meta, await this.channel(out.chat.chatId), out.body, out.replyTo);
        case 'send':
          return await this.sendBody(out, meta, await this.channel(out.chat.chatId), out.body);
        case 'dm':
          return await this.sendBody(out, meta, await this.client.users.createDM(out.user.userId), out.body);
        case 'invite': {
          const link = await this.inviteLink(out, meta);
          return await this.sendBody(out, meta, await this.client.users.createDM(out.user.userId), [...out.body, seg.br(), seg.link(link)]);
        }
      }
    } catch (err) {
      throw toAdapterError(err);
    }
  }

  private async channel(id: string): Promise<SendableChannels> {
    const channel = await this.client.channels.fetch(id);
    if (!channel?.isSendable()) throw new AdapterError('discord', 'not_found', `channel ${id} is not one the bot can write in`);
    return channel;
  }

  /** A one-use, expiring invite to the higher-tier channel, made once per outbound even across retries. */
  private async inviteLink(out: Extract<Outbound, { type: 'invite' }>, meta: SendMeta | undefined): Promise<string> {
    const progress = this.progressOf(out, meta);
    if (progress.invite) return progress.invite;
    // Role doors (granting a tier role in the guild) are not built yet: a tier door must be a channel.
    if (out.door.kind !== 'chat') throw new AdapterError('discord', 'unsupported', 'role doors are not supported yet');
    const target = out.door.chat;
    const channel = await this.client.channels.fetch(target.chatId);
    if (!channel || !('createInvite' in channel)) throw new AdapterError('discord', 'not_found', `channel ${target.chatId} takes no invites`);
    const invite = await channel.createInvite({ maxUses: 1, maxAge: this.options.inviteTtlSeconds ?? 7 * 24 * 3600, unique: true, reason: `Hearth tier invite for ${out.user.userId}` });
    this.invites.remember(channel.guildId, invite.code, 1, this.client.user!.id);
    progress.invite = invite.url;
    return invite.url;
  }

  private progressOf(out: Outbound, meta: SendMeta | undefined): { sent: number; nonce: string; invite?: string } {
    let progress = this.progress.get(out);
    if (!progress) {
      // The outbox's key is stable across restarts, so a resend after a crash reuses the nonce.
      const nonce = meta ? `${meta.idempotencyKey.slice(0, NONCE_BASE_LENGTH - 1)}.` : randomBytes(16).toString('base64url').slice(0, NONCE_BASE_LENGTH);
      progress = { sent: 0, nonce };
      this.progress.set(out, progress);
    }
    return progress;
  }

  private async sendBody(out: Outbound, meta: SendMeta | undefined, channel: SendableChannels, body: Body, replyTo?: string): Promise<SendReceipt> {
    const chunks = renderChunks(body);
    const progress = this.progressOf(out, meta);
    let messageId: string | undefined;
    for (let i = progress.sent; i < chunks.length; i++) {
      const chunk = chunks[i]!;
      const message = await channel.send({
        content: chunk.text,
        // Member text can never ping anyone (@everyone, roles, users it names). A reply pings no
        // one (it answers the member who asked, who sees it as a reply); other messages ping only
        // the members the bot itself mentions (a DM's fallback in the group, an announcement).
        allowedMentions: { parse: [], users: replyTo === undefined ? chunk.mentions : [], repliedUser: false },
        // Discord posts a message once per nonce: a send retried after a lost answer is not doubled.
        nonce: `${progress.nonce}${i}`,
        enforceNonce: true,
        // Only the first chunk answers the member's message; the rest follow it.
        ...(replyTo !== undefined && i === 0 ? { reply: { messageReference: replyTo, failIfNotExists: false } } : {}),
      });
      messageId = message.id;
      progress.sent = i + 1;
    }
    return messageId === undefined ? {} : { messageId };
  }
}

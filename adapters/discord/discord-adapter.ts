import { createHash, randomBytes } from 'node:crypto';
import { Client, Events, GatewayIntentBits, Partials, type BaseMessageOptions, type Guild, type GuildMember, type Interaction, type Message, type MessageReaction, type PartialGuildMember, type PartialMessageReaction, type PartialUser, type SendableChannels, type User } from 'discord.js';
import type { AdapterStatus, Capability, EventSink, PlatformAdapter } from '../../src/core/adapter.ts';
import type { CommandCatalog } from '../../src/core/catalog.ts';
import { AdapterError } from '../../src/core/errors.ts';
import type { InboundEvent, Sender } from '../../src/core/events.ts';
import type { ChatRef } from '../../src/core/ids.ts';
import type { Logger } from '../../src/core/logger.ts';
import type { Body, Outbound } from '../../src/core/outbound.ts';
import { seg } from '../../src/core/outbound.ts';
import type { SendMeta, SendReceipt } from '../../src/core/outbox.ts';
import { applicationCommands } from './commands.ts';
import { toAdapterError } from './errors.ts';
import { lobbyOf, mapJoin, mapLeave, mapMessage, mapReaction, senderOf, type MappingContext } from './inbound.ts';
import { mapButton, mapCommand, PendingInteractions } from './interactions.ts';
import { InviteTracker } from './invites.ts';
import { INTENTS, PERMISSIONS, PRIVILEGED, inviteUrl, messageContentEnabled } from './permissions.ts';
import { messageParts, type MessagePart } from './render.ts';

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
  /** Where slash commands are registered: each guild (default; instant) or globally (also in DMs). */
  readonly commands?: 'guild' | 'global';
  /** How long after the core handled an interaction an unanswered "thinking…" reply is removed. */
  readonly interactionGraceMs?: number;
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
  /**
   * Everything Discord offers Hearth. Joins, leaves and the member list need the GuildMembers
   * intent and typed text needs MessageContent: when the portal has them off, start() drops the
   * capabilities they carry and says so.
   */
  private readonly caps = new Set<Capability>([
    'dm',
    'member-list',
    'member-join-events',
    'member-leave-events',
    'platform-roles',
    'invite-links',
    'command-menu',
    'reactions',
    'interactions',
    'ephemeral',
    'buttons',
    'role-grant',
    'stable-ids',
    'message-content',
  ]);
  private currentStatus: AdapterStatus = { state: 'starting' };
  private readonly statusListeners: ((status: AdapterStatus) => void)[] = [];
  private readonly interactions: PendingInteractions;
  private catalog: CommandCatalog | undefined;
  /** Command name → whether its answer is private: the first callback must say so. */
  private readonly privateCommands = new Map<string, boolean>();
  /** Roles to grant members who join through a tier invite (guild → user → role ids). */
  private readonly rolesOnJoin = new Map<string, Map<string, Set<string>>>();
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
    this.interactions = new PendingInteractions(this.logger, this.now);
    this.client = this.buildClient(INTENTS);
  }

  get capabilities(): ReadonlySet<Capability> {
    return this.caps;
  }

  get status(): AdapterStatus {
    return this.currentStatus;
  }

  onStatus(listener: (status: AdapterStatus) => void): void {
    this.statusListeners.push(listener);
  }

  private setStatus(status: AdapterStatus): void {
    this.currentStatus = status;
    for (const l of this.statusListeners) l(status);
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
    client.on(Events.ShardDisconnect, (event, shard) => {
      this.logger.error({ code: event.code, shard }, 'discord: gateway closed for good');
      if (!this.stopping) this.setStatus({ state: 'offline', reason: `gateway closed with ${event.code}` });
    });
    client.on(Events.ShardReconnecting, (shard) => {
      this.logger.warn({ shard }, 'discord: gateway reconnecting');
      if (!this.stopping) this.setStatus({ state: 'offline', reason: 'reconnecting' });
    });
    client.on(Events.ShardResume, (shard, replayed) => {
      this.logger.info({ shard, replayed }, 'discord: gateway resumed');
      this.setStatus({ state: 'online', account: client.user?.username ?? '' });
    });
    client.on(Events.InteractionCreate, (i) => this.track(() => this.onInteraction(i)));
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
    if (!this.intents.includes(GatewayIntentBits.GuildMembers)) for (const c of ['member-list', 'member-join-events', 'member-leave-events'] as const) this.caps.delete(c);
    if (!this.intents.includes(GatewayIntentBits.MessageContent) || !messageContentEnabled(Number(this.client.application?.flags.bitfield ?? 0))) this.caps.delete('message-content');
    this.selfCheck();
    this.setStatus({ state: 'online', account: this.client.user!.username });
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
    if (!this.caps.has('message-content')) this.logger.warn({}, `discord: ${PRIVILEGED.get(GatewayIntentBits.MessageContent)}`);
    if (!this.intents.includes(GatewayIntentBits.GuildMembers)) this.logger.warn({}, `discord: ${PRIVILEGED.get(GatewayIntentBits.GuildMembers)}`);
    for (const guild of this.client.guilds.cache.values()) {
      const mine = guild.members.me?.permissions;
      const lacking = mine ? PERMISSIONS.missing(mine) : [];
      if (lacking.length > 0) this.logger.warn({ guild: guild.id, name: guild.name, lacking }, `discord: in ${guild.name} the bot lacks ${lacking.join(', ')}`);
      const top = guild.members.me?.roles.highest;
      const above = guild.roles.cache.filter((r) => r.id !== guild.id && !r.managed && top !== undefined && r.position >= top.position).map((r) => r.name);
      if (above.length > 0) this.logger.info({ guild: guild.id, roles: above }, `discord: in ${guild.name} the bot cannot grant ${above.join(', ')} (at or above its own role ${top?.name}); tier roles must sit below it`);
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
      await this.grantRolesOnJoin(member);
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

  /** The bot was added to a guild: its commands are registered, the lobby registers as a group, and the owner is told how to bind it. */
  private async onGuildJoined(guild: Guild): Promise<void> {
    await this.primeInvites(guild);
    if (this.catalog && (this.options.commands ?? 'guild') === 'guild') {
      await this.registerCommands(guild, this.catalog).catch((err: unknown) => this.logger.warn({ guild: guild.id, err: toAdapterError(err).message }, 'discord: could not register slash commands'));
    }
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
      space: { platform: 'discord', spaceId: guild.id },
      at: new Date(guild.joinedTimestamp),
      by: senderOf(owner.user, owner, this.ctx),
    });
  }

  /**
   * A slash command or a button press: acknowledged at once (deferred, ephemeral when the command
   * answers privately — it must be said in the first callback), then handed to the core, whose
   * answer edits the deferred reply. Other bots' buttons and unknown interactions are ignored.
   */
  private async onInteraction(interaction: Interaction): Promise<void> {
    let event: InboundEvent | undefined;
    let command: string;
    if (interaction.isChatInputCommand()) {
      event = mapCommand(interaction, this.ctx);
      command = interaction.commandName;
    } else if (interaction.isButton()) {
      const action = mapButton(interaction, this.ctx);
      if (!action) return;
      event = action;
      command = action.actionId;
    } else return;
    await this.interactions.acknowledge(interaction, this.privateCommands.get(command) ?? false);
    await this.deliver(event);
    this.interactions.settle(interaction.id, this.options.interactionGraceMs ?? 30_000);
  }

  /**
   * Publishes the catalog as slash commands: one bulk overwrite per guild (instant, and the
   * default), or one global overwrite. Every guild is tried; a failure is named and the rest go on.
   */
  async publishCatalog(catalog: CommandCatalog): Promise<void> {
    this.catalog = catalog;
    this.privateCommands.clear();
    for (const e of catalog.byLocale[catalog.defaultLocale]) this.privateCommands.set(e.name, e.private);
    try {
      if (this.options.commands === 'global') {
        await this.client.application!.commands.set(applicationCommands(catalog, 'global'));
        return;
      }
      const failures: string[] = [];
      for (const guild of this.client.guilds.cache.values()) {
        await this.registerCommands(guild, catalog).catch((err: unknown) => failures.push(`${guild.name}: ${toAdapterError(err).message}`));
      }
      if (failures.length > 0) throw new AdapterError('discord', 'unknown', `slash commands not registered in ${failures.join('; ')}`);
    } catch (err) {
      throw toAdapterError(err);
    }
  }

  private async registerCommands(guild: Guild, catalog: CommandCatalog): Promise<void> {
    const commands = applicationCommands(catalog, 'guild');
    await guild.commands.set(commands);
    this.logger.info({ guild: guild.id, commands: commands.length }, `discord: ${commands.length} slash commands registered in ${guild.name}`);
  }

  /** The members of a channel's guild (everyone in a guild can be in its text channels), paged by 1,000. */
  async listMembers(chat: ChatRef): Promise<readonly Sender[]> {
    try {
      const channel = await this.client.channels.fetch(chat.chatId);
      const guild = channel && 'guild' in channel ? channel.guild : undefined;
      if (!guild) return [];
      const out: Sender[] = [];
      let after: string | undefined;
      for (let page = 0; page < 1000; page++) {
        const batch = await guild.members.list({ limit: 1000, ...(after ? { after } : {}), cache: false });
        for (const m of batch.values()) out.push(senderOf(m.user, m, this.ctx));
        if (batch.size < 1000) break;
        after = batch.lastKey();
      }
      return out;
    } catch (err) {
      throw toAdapterError(err);
    }
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
    this.setStatus({ state: 'offline', reason: 'stopped' });
  }

  /**
   * Sends one outbound. A reply to an interaction edits its deferred answer (ephemeral when the
   * core made it private); a reply to a message is a Discord reply. `meta.idempotencyKey` (the
   * outbox's) becomes each message's nonce, so a resend after a crash is not posted twice.
   */
  async send(out: Outbound, meta?: SendMeta): Promise<SendReceipt> {
    try {
      switch (out.type) {
        case 'reply': {
          if (this.interactions.has(out.replyTo)) {
            const answered = await this.answerInteraction(out, meta);
            if (answered) return answered;
          }
          return await this.sendBody(out, meta, await this.channel(out.chat.chatId), out.body, this.interactions.known(out.replyTo) ? undefined : out.replyTo);
        }
        case 'send':
          return await this.sendBody(out, meta, await this.channel(out.chat.chatId), out.body);
        case 'dm':
          return await this.sendBody(out, meta, await this.client.users.createDM(out.user.userId), out.body);
        case 'invite': {
          const link = await this.openDoor(out, meta);
          return await this.sendBody(out, meta, await this.client.users.createDM(out.user.userId), link === undefined ? out.body : [...out.body, seg.br(), seg.link(link)]);
        }
      }
    } catch (err) {
      throw toAdapterError(err);
    }
  }

  /** The core's answer to an interaction; undefined when the interaction can no longer carry it. */
  private async answerInteraction(out: Extract<Outbound, { type: 'reply' }>, meta: SendMeta | undefined): Promise<SendReceipt | undefined> {
    const progress = this.progressOf(out, meta);
    const parts = messageParts(out.body).map((p) => this.messageOptions(p, undefined));
    const result = await this.interactions.answer(out.replyTo, parts, out.private === true, progress.sent);
    if (!result) {
      // The acknowledgement failed (too late) or the token expired: a private answer goes by DM
      // (the router falls back to the group if that is refused), a public one to the channel.
      if (out.private) {
        const user = this.interactions.userOf(out.replyTo);
        if (user) return await this.sendBody(out, meta, await this.client.users.createDM(user), out.body);
      }
      return undefined;
    }
    progress.sent = result.sent;
    return result.messageId === undefined ? {} : { messageId: result.messageId };
  }

  private async channel(id: string): Promise<SendableChannels> {
    const channel = await this.client.channels.fetch(id);
    if (!channel?.isSendable()) throw new AdapterError('discord', 'not_found', `channel ${id} is not one the bot can write in`);
    return channel;
  }

  /**
   * Opens a tier door. A channel: a one-use, expiring invite (made once per outbound even across
   * retries), whose link the DM carries. A role: granted at once to a member of the guild (the
   * bot's own role must sit above it), or, for someone not in the guild yet, granted when they
   * join through the one-use invite to the guild's lobby that the DM carries.
   */
  private async openDoor(out: Extract<Outbound, { type: 'invite' }>, meta: SendMeta | undefined): Promise<string | undefined> {
    const progress = this.progressOf(out, meta);
    if (progress.invite) return progress.invite;
    const door = out.door;
    if (door.kind === 'role') {
      const guild = this.client.guilds.cache.get(door.space.spaceId);
      const role = guild?.roles.cache.get(door.roleId);
      if (!guild || !role) throw new AdapterError('discord', 'not_found', `role ${door.roleId} in guild ${door.space.spaceId} is unknown to the bot`);
      const top = guild.members.me?.roles.highest;
      if (!top || role.position >= top.position) {
        throw new AdapterError('discord', 'forbidden', `the bot cannot grant ${role.name} in ${guild.name}: move the bot's role above it (Server Settings → Roles)`);
      }
      const member = await guild.members.fetch(out.user.userId).catch(() => undefined);
      if (member) {
        await member.roles.add(role, 'Hearth tier promotion');
        return undefined;
      }
      const lobby = lobbyOf(guild);
      if (!lobby) throw new AdapterError('discord', 'not_found', `guild ${guild.name} has no text channel to invite to`);
      const link = await this.createInvite(lobby, out.user.userId);
      const pending = this.rolesOnJoin.get(guild.id) ?? new Map<string, Set<string>>();
      pending.set(out.user.userId, (pending.get(out.user.userId) ?? new Set()).add(role.id));
      this.rolesOnJoin.set(guild.id, pending);
      progress.invite = link;
      return link;
    }
    const link = await this.createInvite(door.chat.chatId, out.user.userId);
    progress.invite = link;
    return link;
  }

  private async createInvite(channelId: string, userId: string): Promise<string> {
    const channel = await this.client.channels.fetch(channelId);
    if (!channel || !('createInvite' in channel)) throw new AdapterError('discord', 'not_found', `channel ${channelId} takes no invites`);
    const invite = await channel.createInvite({ maxUses: 1, maxAge: this.options.inviteTtlSeconds ?? 7 * 24 * 3600, unique: true, reason: `Hearth tier invite for ${userId}` });
    this.invites.remember(channel.guildId, invite.code, 1, this.client.user!.id);
    return invite.url;
  }

  /** Grants the tier roles promised to a newcomer who was invited before they were in the guild. */
  private async grantRolesOnJoin(member: GuildMember): Promise<void> {
    const pending = this.rolesOnJoin.get(member.guild.id);
    const roles = pending?.get(member.id);
    if (!pending || !roles) return;
    pending.delete(member.id);
    // One call per role (PUT …/roles/:id): it adds the role without rewriting the member's others.
    for (const role of roles) {
      await member.roles.add(role, 'Hearth tier promotion').catch((err: unknown) => this.logger.warn({ member: member.id, role, err: toAdapterError(err).message }, 'discord: could not grant a tier role on join'));
    }
  }

  private progressOf(out: Outbound, meta: SendMeta | undefined): { sent: number; nonce: string; invite?: string } {
    let progress = this.progress.get(out);
    if (!progress) {
      // The outbox's key is stable across restarts, so a resend after a crash reuses the nonce.
      progress = { sent: 0, nonce: meta ? nonceBase(meta.idempotencyKey) : randomBytes(16).toString('base64url').slice(0, NONCE_BASE_LENGTH) };
      this.progress.set(out, progress);
    }
    return progress;
  }

  /** One message part as discord.js options. Member text never pings; see `sendBody`. */
  private messageOptions(part: MessagePart, pingUsers: readonly string[] | undefined): BaseMessageOptions {
    return {
      content: part.content,
      allowedMentions: { parse: [], users: [...(pingUsers ?? [])], repliedUser: false },
      ...(part.components.length > 0 ? { components: part.components } : {}),
      ...(part.embeds.length > 0 ? { embeds: part.embeds } : {}),
      ...(part.files.length > 0 ? { files: part.files } : {}),
    };
  }

  private async sendBody(out: Outbound, meta: SendMeta | undefined, channel: SendableChannels, body: Body, replyTo?: string): Promise<SendReceipt> {
    const parts = messageParts(body);
    const progress = this.progressOf(out, meta);
    let messageId: string | undefined;
    for (let i = progress.sent; i < parts.length; i++) {
      const part = parts[i]!;
      const message = await channel.send({
        // Member text can never ping anyone (@everyone, roles, users it names). A reply pings no
        // one (it answers the member who asked, who sees it as a reply); other messages ping only
        // the members the bot itself mentions (a DM's fallback in the group, an announcement).
        ...this.messageOptions(part, replyTo === undefined ? part.mentions : []),
        // Discord posts a message once per nonce: a send retried after a lost answer is not doubled.
        nonce: `${progress.nonce}${i}`,
        enforceNonce: true,
        // Only the first part answers the member's message; the rest follow it.
        ...(replyTo !== undefined && i === 0 ? { reply: { messageReference: replyTo, failIfNotExists: false } } : {}),
      });
      messageId = message.id;
      progress.sent = i + 1;
    }
    return messageId === undefined ? {} : { messageId };
  }
}

/**
 * A nonce base from the outbox's key and a dot, so the part number follows it (`hearth-12.0`):
 * the key itself when it fits Discord's 25 characters, else a hash of it (never a truncation,
 * which would make two long keys share a nonce).
 */
function nonceBase(key: string): string {
  const base = key.length < NONCE_BASE_LENGTH ? key : createHash('sha256').update(key).digest('base64url').slice(0, NONCE_BASE_LENGTH - 1);
  return `${base}.`;
}

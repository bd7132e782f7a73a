import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Watch } from '../watch.ts';
import { BOT, brandGuild, messagePayload, type FakeGuild, type FakeMember, type FakeUser } from './fixtures.ts';
import { visibleText } from './markdown.ts';
import { snowflake } from './snowflake.ts';

/** A REST call the fake received. */
export interface FakeCall {
  readonly method: string;
  /** The route below `/api/v10`, e.g. `/channels/501/messages`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown>;
  readonly at: number;
}

/** How a message reached members: a channel message, an interaction's first answer, its edit, or a follow-up. */
export type SentVia = 'message' | 'callback' | 'edit' | 'followup' | 'update';

/** A message the fake accepted, with what members see of it. */
export interface FakeSent {
  readonly channelId: string;
  readonly id: string;
  readonly content: string;
  readonly visible: string;
  readonly via: SentVia;
  /** Only the member who ran the command sees it. */
  readonly ephemeral: boolean;
  readonly replyTo?: string;
  readonly interactionId?: string;
  readonly components: unknown[];
  readonly nonce?: string;
  readonly enforceNonce?: boolean;
  readonly allowedMentions?: unknown;
  readonly at: number;
}

/** An error the fake answers with, as Discord does: `{ message, code }` with an HTTP status. */
export interface FakeError {
  readonly status: number;
  readonly code: number;
  readonly message: string;
}

/** A 429, as Discord sends it: body `retry_after` (seconds) and the rate-limit headers. */
export interface FakeRateLimit {
  readonly retryAfter: number;
  readonly global?: boolean;
}

interface Session {
  readonly id: string;
  seq: number;
  /** Dispatches sent in this session, replayed on RESUME. */
  readonly sent: Record<string, unknown>[];
  socket: WebSocket | undefined;
  intents: number;
}

/** One interaction as the fake delivered it, and what the bot did with it. */
export interface FakeInteraction {
  readonly id: string;
  readonly token: string;
  readonly channelId: string;
  readonly dispatchedAt: number;
  /** The INTERACTION_CREATE payload, for a redelivery. */
  payload?: Record<string, unknown>;
  /** The first callback: its type (4 reply, 5 deferred, 6 deferred update, 7 update) and flags. */
  callback?: { type: number; flags: number; at: number };
  /** The bot deleted its first answer (a placeholder it replaced with a follow-up). */
  deletedOriginal?: boolean;
}

/**
 * A request body: JSON, or multipart with files (Discord's `payload_json` part holds the message;
 * the files are counted as `attachments` so a test can see them).
 */
function parseBody(raw: string, type: string): Record<string, unknown> {
  if (raw === '') return {};
  if (type.includes('json')) return JSON.parse(raw) as Record<string, unknown>;
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  if (!type.startsWith('multipart/') || !boundary) return {};
  const parts = raw.split(`--${boundary[1] ?? boundary[2]}`);
  const json = parts.find((p) => /name="payload_json"/.test(p));
  const body = json ? (JSON.parse(json.slice(json.indexOf('\r\n\r\n') + 4).trim()) as Record<string, unknown>) : {};
  const files = parts.filter((p) => /name="files\[\d+\]"/.test(p)).map((p) => /filename="([^"]+)"/.exec(p)?.[1] ?? 'file');
  return { ...body, uploaded: files };
}

/** Gateway intent bits that must be switched on in the Developer Portal. */
export const PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15);

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  if (res.writableEnded || res.destroyed) return;
  if (status === 204) {
    res.writeHead(204, headers).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};

/**
 * A loopback fake of Discord for the real discord.js client: REST under `/api/v10` and a gateway
 * (`ws`) on the same 127.0.0.1 port. The gateway says HELLO, ACKs heartbeats, answers IDENTIFY
 * with READY (whose `resume_gateway_url` points back here) and a GUILD_CREATE per guild, replays
 * missed dispatches on RESUME, and closes with 4014 when privileged intents are not allowed. REST
 * serves channel messages (2,000-character limit, empty bodies refused, nonce dedupe with
 * `enforce_nonce`), DMs (50007 for members who do not accept them), interaction callbacks (only
 * within the deadline, only once), `@original` edits and follow-ups, bulk command overwrites, role
 * grants, invites, and any error or 429 on demand.
 */
export class FakeDiscord {
  readonly token = 'fake.discord.token';
  readonly me: FakeUser = BOT;
  readonly applicationId = BOT.id;
  readonly calls: FakeCall[] = [];
  readonly sent: FakeSent[] = [];
  readonly guilds = new Map<string, FakeGuild>();
  readonly interactions = new Map<string, FakeInteraction>();
  /** Users whose DMs are closed to the bot: sending there is 403 50007. */
  readonly closedDms = new Set<string>();
  /** Registered application commands, per guild id (`global` for the application's own). */
  readonly commands = new Map<string, unknown[]>();
  /** Invites by code, with their uses; joins through one bump its count. */
  readonly invites = new Map<string, { code: string; guildId: string; channelId: string; uses: number; max_uses: number; max_age: number; inviter?: FakeUser }>();
  /** What the gateway saw. */
  readonly gateway = { identifies: [] as Record<string, unknown>[], resumes: [] as Record<string, unknown>[], heartbeats: 0, connections: [] as string[] };
  /** How long a bot has to answer an interaction before it is unknown (Discord: 3 s). */
  interactionDeadlineMs = 3000;
  /** Intents the application may use (everything by default); others close the gateway with 4014. */
  allowedIntents = ~0;
  heartbeatIntervalMs = 41_250;
  /** When interactions happen, for their snowflake ids (a test on a fake clock sets it). */
  now: () => number = Date.now;
  private readonly dmChannels = new Map<string, string>();
  private readonly sessions = new Map<string, Session>();
  private readonly failures = new Map<string, (FakeError | FakeRateLimit)[]>();
  private readonly nonces = new Map<string, FakeSent>();
  private readonly watch = new Watch('fake Discord', () => this.calls.map((c) => `${c.method} ${c.path}`).join(', '));
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(guilds: FakeGuild[] = [brandGuild()]) {
    for (const g of guilds) this.guilds.set(g.id, g);
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  /** What to give discord.js as `rest.api` (DISCORD_API_ROOT). */
  get api(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (ws, req) => this.connected(ws, req));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this;
  }

  async close(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    this.wss?.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  // --- test controls ---------------------------------------------------------------------

  /** The next call(s) matching `method route` (e.g. `POST /channels/501/messages`, a prefix is enough) fail in order. */
  failNext(route: string, ...errors: (FakeError | FakeRateLimit)[]): void {
    this.failures.set(route, [...(this.failures.get(route) ?? []), ...errors]);
  }

  callsOf(method: string, pathPrefix: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method && c.path.startsWith(pathPrefix));
  }

  /** Resolves once `check` holds (checked after every call and dispatch); see `Watch.until`. */
  until(check: () => boolean, what: string, ms = 5000, then?: () => void): Promise<void> {
    return this.watch.until(check, what, ms, then);
  }

  /** Sends a dispatch to every live session (and keeps it for sessions that will resume). Returns its sequence numbers. */
  dispatch(t: string, d: unknown): void {
    for (const s of this.sessions.values()) this.send(s, t, d);
    this.notify();
  }

  /** A member writes in a channel: MESSAGE_CREATE with a snowflake id for `at`. Returns the payload. */
  post(fields: { channel: string; author: FakeUser; content: string; id?: string; at?: number; extra?: Record<string, unknown> }): Record<string, unknown> {
    const guild = this.guildOfChannel(fields.channel);
    const member = guild?.members.find((m) => m.user.id === fields.author.id);
    // Discord fills `mentions` with the users the content names as <@id>.
    const named = [...fields.content.matchAll(/<@!?(\d+)>/g)].map((m) => guild?.members.find((x) => x.user.id === m[1])?.user).filter((u): u is FakeUser => u !== undefined);
    const channelType = guild?.channels.find((c) => c.id === fields.channel)?.type ?? 1;
    const payload = messagePayload({ ...fields, guild: guild?.id, ...(member ? { member } : {}), extra: { mentions: named, channel_type: channelType, ...fields.extra } });
    this.dispatch('MESSAGE_CREATE', payload);
    return payload;
  }

  /** Someone joins a guild, optionally through an invite (its use count goes up, as Discord's does). */
  join(guildId: string, member: FakeMember, invite?: string): void {
    const guild = this.guilds.get(guildId)!;
    guild.members.push(member);
    if (invite) this.invites.get(invite)!.uses++;
    this.dispatch('GUILD_MEMBER_ADD', { ...member, guild_id: guildId });
  }

  leave(guildId: string, user: FakeUser): void {
    const guild = this.guilds.get(guildId)!;
    const at = guild.members.findIndex((m) => m.user.id === user.id);
    if (at >= 0) guild.members.splice(at, 1);
    this.dispatch('GUILD_MEMBER_REMOVE', { guild_id: guildId, user });
  }

  /** The bot is added to a new guild: GUILD_CREATE after READY. */
  addGuild(guild: FakeGuild): void {
    this.guilds.set(guild.id, guild);
    this.dispatch('GUILD_CREATE', this.guildPayload(guild));
  }

  /** An invite that exists before the bot starts (created by a member). */
  addInvite(code: string, guildId: string, channelId: string, uses = 0, inviter?: FakeUser): void {
    this.invites.set(code, { code, guildId, channelId, uses, max_uses: 0, max_age: 0, ...(inviter ? { inviter } : {}) });
  }

  /**
   * A slash command or a button press: INTERACTION_CREATE. `data` is the interaction's data
   * (`{ name, options }` for a command, `{ custom_id, component_type }` for a button).
   */
  interact(fields: { type: 2 | 3; channel: string; user: FakeUser; data: Record<string, unknown>; locale?: string; message?: Record<string, unknown> }): FakeInteraction {
    const guild = this.guildOfChannel(fields.channel);
    const id = snowflake(this.now());
    const interaction: FakeInteraction = { id, token: `itoken-${id}`, channelId: fields.channel, dispatchedAt: Date.now() };
    this.interactions.set(interaction.token, interaction);
    const member = guild?.members.find((m) => m.user.id === fields.user.id);
    const channel = guild?.channels.find((c) => c.id === fields.channel);
    interaction.payload = {
      id,
      application_id: this.applicationId,
      type: fields.type,
      token: interaction.token,
      version: 1,
      channel_id: fields.channel,
      channel: channel ?? { id: fields.channel, type: 1 },
      ...(guild
        ? {
            guild_id: guild.id,
            guild_locale: guild.preferred_locale,
            member: { user: fields.user, roles: member?.roles ?? [], joined_at: member?.joined_at, permissions: this.permissionsOf(guild, fields.user.id).toString(), deaf: false, mute: false, nick: null },
          }
        : { user: fields.user }),
      locale: fields.locale ?? 'en-US',
      app_permissions: '2248473465835073',
      entitlements: [],
      authorizing_integration_owners: {},
      context: guild ? 0 : 1,
      data: fields.data,
      ...(fields.message ? { message: fields.message } : {}),
    };
    this.dispatch('INTERACTION_CREATE', interaction.payload);
    return interaction;
  }

  /** The same interaction delivered again (as after a gateway replay). */
  redeliver(interaction: FakeInteraction): void {
    this.dispatch('INTERACTION_CREATE', interaction.payload);
  }

  /** A member presses one of the bot's buttons (custom_id) on a message the bot sent. */
  press(fields: { channel: string; user: FakeUser; customId: string; message: FakeSent; locale?: string }): FakeInteraction {
    return this.interact({ type: 3, channel: fields.channel, user: fields.user, data: { custom_id: fields.customId, component_type: 2 }, message: this.messageObject(fields.message), ...(fields.locale ? { locale: fields.locale } : {}) });
  }

  /** A member runs a slash command with options (`{ name, type, value }` as Discord sends them). */
  slash(fields: { channel: string; user: FakeUser; name: string; options?: Record<string, unknown>[]; locale?: string; resolved?: Record<string, unknown> }): FakeInteraction {
    return this.interact({
      type: 2,
      channel: fields.channel,
      user: fields.user,
      data: { id: snowflake(), name: fields.name, type: 1, options: fields.options ?? [], ...(fields.resolved ? { resolved: fields.resolved } : {}) },
      ...(fields.locale ? { locale: fields.locale } : {}),
    });
  }

  /** Closes the gateway connection(s) with `code` (4000: unknown error, which discord.js resumes after). */
  disconnect(code = 4000): void {
    for (const s of this.sessions.values()) {
      s.socket?.close(code, 'fake: disconnect');
      s.socket = undefined;
    }
  }

  /** Messages members can see in a channel, in order (ephemeral answers excluded). */
  visibleIn(channelId: string): FakeSent[] {
    return this.sent.filter((m) => m.channelId === channelId && !m.ephemeral);
  }

  /** The DM channel id the fake opened for a user, if any. */
  dmChannelOf(userId: string): string | undefined {
    return this.dmChannels.get(userId);
  }

  /** A member's roles now. */
  rolesOf(guildId: string, userId: string): string[] {
    return this.guilds.get(guildId)?.members.find((m) => m.user.id === userId)?.roles ?? [];
  }

  // --- gateway ---------------------------------------------------------------------------

  private connected(ws: WebSocket, req: IncomingMessage): void {
    this.gateway.connections.push(req.url ?? '/');
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs }, s: null, t: null }));
    let session: Session | undefined;
    ws.on('message', (raw) => {
      const payload = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> | number | null };
      const d = payload.d as Record<string, unknown>;
      switch (payload.op) {
        case 1:
          this.gateway.heartbeats++;
          ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
          break;
        case 2: {
          this.gateway.identifies.push(d);
          if (d.token !== this.token) {
            ws.close(4004, 'Authentication failed.');
            return;
          }
          const intents = Number(d.intents);
          if ((intents & PRIVILEGED_INTENTS & ~this.allowedIntents) !== 0) {
            ws.close(4014, 'Disallowed intent(s).');
            return;
          }
          session = { id: `session-${this.sessions.size + 1}`, seq: 0, sent: [], socket: ws, intents };
          this.sessions.set(session.id, session);
          this.send(session, 'READY', {
            v: 10,
            user: this.me,
            guilds: [...this.guilds.keys()].map((id) => ({ id, unavailable: true })),
            session_id: session.id,
            resume_gateway_url: `ws://127.0.0.1:${this.port}/resume`,
            shard: [0, 1],
            application: { id: this.applicationId, flags: this.applicationFlags() },
          });
          for (const g of this.guilds.values()) this.send(session, 'GUILD_CREATE', this.guildPayload(g, intents));
          break;
        }
        case 6: {
          this.gateway.resumes.push(d);
          const known = this.sessions.get(String(d.session_id));
          if (!known || d.token !== this.token) {
            ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
            return;
          }
          session = known;
          known.socket = ws;
          for (const p of known.sent) if (Number(p.s) > Number(d.seq)) ws.send(JSON.stringify(p));
          this.send(known, 'RESUMED', null);
          break;
        }
        default:
          break;
      }
      this.notify();
    });
    ws.on('close', () => {
      if (session && session.socket === ws) session.socket = undefined;
    });
  }

  /** READY's application flags: the portal switches for the privileged intents that are allowed. */
  private applicationFlags(): number {
    let flags = 0;
    if (this.allowedIntents & (1 << 1)) flags |= 1 << 15; // GatewayGuildMembersLimited
    if (this.allowedIntents & (1 << 15)) flags |= 1 << 19; // GatewayMessageContentLimited
    return flags;
  }

  private send(s: Session, t: string, d: unknown): void {
    const payload = { op: 0, t, s: ++s.seq, d };
    s.sent.push(payload);
    if (s.sent.length > 1000) s.sent.shift();
    if (s.socket?.readyState === 1) s.socket.send(JSON.stringify(payload));
  }

  private guildPayload(g: FakeGuild, intents = ~0): Record<string, unknown> {
    // Without the GuildMembers intent, GUILD_CREATE carries only the bot's own member.
    const members = intents & (1 << 1) ? g.members : g.members.filter((m) => m.user.id === this.me.id);
    return {
      id: g.id,
      name: g.name,
      icon: null,
      owner_id: g.owner_id,
      preferred_locale: g.preferred_locale,
      system_channel_id: g.system_channel_id,
      features: [],
      unavailable: false,
      large: false,
      member_count: g.members.length,
      joined_at: new Date().toISOString(),
      channels: g.channels.filter((c) => c.type !== 11).map((c) => ({ ...c, position: 0, permission_overwrites: [] })),
      threads: g.channels.filter((c) => c.type === 11).map((c) => ({ ...c, owner_id: g.owner_id, thread_metadata: { archived: false, locked: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString() } })),
      roles: g.roles.map((r) => ({ color: 0, hoist: false, managed: false, mentionable: false, icon: null, unicode_emoji: null, flags: 0, ...r })),
      members: members.map((m) => ({ deaf: false, mute: false, flags: 0, ...m })),
      emojis: [],
      stickers: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
    };
  }

  // --- REST ------------------------------------------------------------------------------

  private notify(): void {
    this.watch.notify();
  }

  private guildOfChannel(channelId: string): FakeGuild | undefined {
    return [...this.guilds.values()].find((g) => g.channels.some((c) => c.id === channelId));
  }

  /** A member's guild-wide permissions: the OR of their roles (and everyone's), all for the owner or an administrator. */
  permissionsOf(guild: FakeGuild, userId: string): bigint {
    const member = guild.members.find((m) => m.user.id === userId);
    let bits = BigInt(guild.roles.find((r) => r.id === guild.id)?.permissions ?? '0');
    for (const id of member?.roles ?? []) bits |= BigInt(guild.roles.find((r) => r.id === id)?.permissions ?? '0');
    if (guild.owner_id === userId || bits & (1n << 3n)) return (1n << 53n) - 1n;
    return bits;
  }

  private nameOf = (id: string): string | undefined => {
    for (const g of this.guilds.values()) {
      const m = g.members.find((x) => x.user.id === id);
      if (m) return m.user.global_name ?? m.user.username;
    }
    return undefined;
  };

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = parseBody(raw, req.headers['content-type'] ?? '');
    const match = /^\/api\/v(\d+)(\/.*)$/.exec(url.pathname);
    if (!match) return json(res, 404, { message: '404: Not Found', code: 0 });
    const path = decodeURIComponent(match[2]!);
    const method = req.method ?? 'GET';
    const call: FakeCall = { method, path, query: url.searchParams, body, at: Date.now() };
    this.calls.push(call);
    const webhookOrInteraction = path.startsWith('/interactions/') || path.startsWith('/webhooks/');
    if (!webhookOrInteraction && req.headers.authorization !== `Bot ${this.token}`) {
      json(res, 401, { message: '401: Unauthorized', code: 0 });
      this.notify();
      return;
    }
    const failure = this.takeFailure(`${method} ${path}`);
    if (failure) {
      if ('retryAfter' in failure) {
        json(
          res,
          429,
          { message: 'You are being rate limited.', retry_after: failure.retryAfter, global: failure.global ?? false },
          {
            'retry-after': String(Math.ceil(failure.retryAfter)),
            'x-ratelimit-limit': '5',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(Date.now() / 1000 + failure.retryAfter),
            'x-ratelimit-reset-after': String(failure.retryAfter),
            'x-ratelimit-bucket': 'fakebucket',
            'x-ratelimit-scope': failure.global ? 'global' : 'user',
            ...(failure.global ? { 'x-ratelimit-global': 'true' } : {}),
          },
        );
      } else {
        json(res, failure.status, { message: failure.message, code: failure.code });
      }
      this.notify();
      return;
    }
    try {
      const [status, result] = this.route(method, path, body, url.searchParams);
      json(res, status, result, { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4', 'x-ratelimit-reset-after': '1', 'x-ratelimit-bucket': 'fakebucket' });
    } catch (err) {
      const e = err as FakeError;
      json(res, e.status ?? 500, { message: e.message, code: e.code ?? 0 });
    }
    this.notify();
  }

  private takeFailure(route: string): FakeError | FakeRateLimit | undefined {
    for (const [prefix, list] of this.failures) {
      if (route.startsWith(prefix) && list.length > 0) return list.shift();
    }
    return undefined;
  }

  private route(method: string, path: string, body: Record<string, unknown>, query: URLSearchParams): [number, unknown] {
    const fail = (status: number, code: number, message: string): never => {
      throw Object.assign(new Error(message), { status, code });
    };
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      return [200, { url: `ws://127.0.0.1:${this.port}`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } }];
    }
    if (method === 'GET' && path === '/users/@me') return [200, this.me];
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path)) && method === 'POST') return [200, this.createMessage(m[1]!, body, 'message')];
    if (method === 'POST' && path === '/users/@me/channels') {
      const recipient = String(body.recipient_id);
      let id = this.dmChannels.get(recipient);
      if (!id) {
        id = snowflake();
        this.dmChannels.set(recipient, id);
      }
      return [200, { id, type: 1, recipients: [{ id: recipient, username: this.nameOf(recipient) ?? recipient, discriminator: '0', global_name: null, avatar: null }], last_message_id: null }];
    }
    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path)) && method === 'POST') {
      const interaction = this.interactions.get(m[2]!);
      if (!interaction || interaction.id !== m[1]) return fail(404, 10062, 'Unknown interaction');
      if (interaction.callback) return fail(400, 40060, 'Interaction has already been acknowledged.');
      if (Date.now() - interaction.dispatchedAt > this.interactionDeadlineMs) return fail(404, 10062, 'Unknown interaction');
      const data = (body.data ?? {}) as Record<string, unknown>;
      const flags = Number(data.flags ?? 0);
      interaction.callback = { type: Number(body.type), flags, at: Date.now() };
      if (body.type === 4) this.createMessage(interaction.channelId, data, 'callback', interaction, (flags & 64) !== 0);
      if (body.type === 7) this.createMessage(interaction.channelId, data, 'update', interaction, false);
      return query.get('with_response') === 'true' ? [200, { interaction: { id: interaction.id, type: 2 } }] : [204, undefined];
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(\/messages\/@original)?$/.exec(path))) {
      const interaction = this.interactions.get(m[2]!);
      if (!interaction || m[1] !== this.applicationId) return fail(404, 10015, 'Unknown Webhook');
      if (!interaction.callback) return fail(404, 10008, 'Unknown Message');
      if (m[3] && method === 'PATCH') return [200, this.createMessage(interaction.channelId, body, 'edit', interaction, (interaction.callback.flags & 64) !== 0)];
      if (m[3] && method === 'DELETE') {
        interaction.deletedOriginal = true;
        return [204, undefined];
      }
      if (!m[3] && method === 'POST') return [200, this.createMessage(interaction.channelId, body, 'followup', interaction, (Number(body.flags ?? 0) & 64) !== 0)];
    }
    if ((m = /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/.exec(path)) && method === 'PUT') return [200, this.overwriteCommands(m[2]!, body)];
    if ((m = /^\/applications\/(\d+)\/commands$/.exec(path)) && method === 'PUT') return [200, this.overwriteCommands('global', body)];
    if ((m = /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/.exec(path)) && (method === 'PUT' || method === 'DELETE')) {
      const guild = this.guilds.get(m[1]!) ?? fail(404, 10004, 'Unknown Guild');
      const member = guild.members.find((x) => x.user.id === m![2]) ?? fail(404, 10007, 'Unknown Member');
      const role = guild.roles.find((r) => r.id === m![3]) ?? fail(404, 10011, 'Unknown Role');
      const top = Math.max(...this.rolesOf(guild.id, this.me.id).map((id) => guild.roles.find((r) => r.id === id)?.position ?? 0));
      if (role.position >= top) return fail(403, 50013, 'Missing Permissions');
      member.roles = method === 'PUT' ? [...new Set([...member.roles, role.id])] : member.roles.filter((r) => r !== role.id);
      return [204, undefined];
    }
    if ((m = /^\/channels\/(\d+)\/invites$/.exec(path)) && method === 'POST') {
      const guild = this.guildOfChannel(m[1]!) ?? fail(404, 10003, 'Unknown Channel');
      const code = `fake${this.invites.size + 1}`;
      const invite = { code, guildId: guild.id, channelId: m[1]!, uses: 0, max_uses: Number(body.max_uses ?? 0), max_age: Number(body.max_age ?? 86400), inviter: this.me };
      this.invites.set(code, invite);
      return [200, this.invitePayload(invite)];
    }
    if ((m = /^\/guilds\/(\d+)\/invites$/.exec(path)) && method === 'GET') {
      return [200, [...this.invites.values()].filter((i) => i.guildId === m![1]).map((i) => this.invitePayload(i))];
    }
    if ((m = /^\/guilds\/(\d+)\/members$/.exec(path)) && method === 'GET') {
      const guild = this.guilds.get(m[1]!) ?? fail(404, 10004, 'Unknown Guild');
      const after = BigInt(query.get('after') ?? '0');
      const limit = Number(query.get('limit') ?? '1');
      return [200, guild.members.filter((x) => BigInt(x.user.id) > after).sort((a, b) => (BigInt(a.user.id) < BigInt(b.user.id) ? -1 : 1)).slice(0, limit)];
    }
    return fail(404, 0, `the fake does not implement ${method} ${path}`);
  }

  private invitePayload(i: { code: string; guildId: string; channelId: string; uses: number; max_uses: number; max_age: number; inviter?: FakeUser }): Record<string, unknown> {
    const guild = this.guilds.get(i.guildId)!;
    const channel = guild.channels.find((c) => c.id === i.channelId)!;
    return {
      type: 0,
      code: i.code,
      guild: { id: guild.id, name: guild.name, features: [] },
      channel: { id: channel.id, name: channel.name, type: channel.type },
      ...(i.inviter ? { inviter: i.inviter } : {}),
      uses: i.uses,
      max_uses: i.max_uses,
      max_age: i.max_age,
      temporary: false,
      created_at: new Date().toISOString(),
    };
  }

  /** Discord's checks on application commands: lowercase names ≤ 32, descriptions ≤ 100, locale keys it knows. */
  private overwriteCommands(scope: string, body: unknown): unknown[] {
    const list = body as unknown as Record<string, unknown>[];
    const locales = new Set(['en-US', 'en-GB', 'zh-CN', 'zh-TW', 'ja', 'ko', 'de', 'fr', 'es-ES']);
    const problems: string[] = [];
    const check = (c: Record<string, unknown>, where: string) => {
      const name = String(c.name ?? '');
      if (!/^[-_\p{L}\p{N}]{1,32}$/u.test(name) || name !== name.toLowerCase()) problems.push(`${where}.name`);
      const description = String(c.description ?? '');
      if ((c.type ?? 1) === 1 && (description.length < 1 || description.length > 100)) problems.push(`${where}.description`);
      for (const key of ['name_localizations', 'description_localizations']) {
        for (const [locale, text] of Object.entries((c[key] ?? {}) as Record<string, string>)) {
          if (!locales.has(locale)) problems.push(`${where}.${key}.${locale}`);
          if (key === 'name_localizations' && (String(text).length > 32 || text !== text.toLowerCase())) problems.push(`${where}.${key}.${locale}`);
          if (key === 'description_localizations' && String(text).length > 100) problems.push(`${where}.${key}.${locale}`);
        }
      }
      (c.options as Record<string, unknown>[] | undefined)?.forEach((o, i) => check(o, `${where}.options.${i}`));
    };
    list.forEach((c, i) => check(c, String(i)));
    if (problems.length > 0) throw Object.assign(new Error(`Invalid Form Body: ${problems.join(', ')}`), { status: 400, code: 50035 });
    const registered = list.map((c) => ({ ...c, id: snowflake(), application_id: this.applicationId, version: snowflake() }));
    this.commands.set(scope, registered);
    return registered;
  }

  private createMessage(channelId: string, body: Record<string, unknown>, via: SentVia, interaction?: FakeInteraction, ephemeral = false): Record<string, unknown> {
    const fail = (status: number, code: number, message: string): never => {
      throw Object.assign(new Error(message), { status, code });
    };
    const dmUser = [...this.dmChannels].find(([, id]) => id === channelId)?.[0];
    if (via === 'message' && !dmUser && !this.guildOfChannel(channelId)) fail(404, 10003, 'Unknown Channel');
    if (dmUser && this.closedDms.has(dmUser)) fail(403, 50007, 'Cannot send messages to this user');
    const nonce = body.nonce === undefined ? undefined : String(body.nonce);
    if (nonce !== undefined && nonce.length > 25) fail(400, 50035, 'Invalid Form Body: nonce');
    if (nonce && body.enforce_nonce) {
      const earlier = this.nonces.get(`${channelId}:${nonce}`);
      if (earlier) return this.messageObject(earlier);
    }
    const content = String(body.content ?? '');
    const components = (body.components ?? []) as unknown[];
    if (content.length > 2000) fail(400, 50035, 'Invalid Form Body: content: Must be 2000 or fewer in length.');
    if (content.trim() === '' && components.length === 0 && via !== 'update') fail(400, 50006, 'Cannot send an empty message');
    const ref = body.message_reference as { message_id?: string } | undefined;
    const sent: FakeSent = {
      channelId,
      id: snowflake(),
      content,
      visible: visibleText(content, this.nameOf),
      via,
      ephemeral,
      components,
      at: Date.now(),
      ...(ref?.message_id ? { replyTo: ref.message_id } : {}),
      ...(interaction ? { interactionId: interaction.id } : {}),
      ...(nonce !== undefined ? { nonce } : {}),
      ...(body.enforce_nonce !== undefined ? { enforceNonce: Boolean(body.enforce_nonce) } : {}),
      ...(body.allowed_mentions !== undefined ? { allowedMentions: body.allowed_mentions } : {}),
    };
    this.sent.push(sent);
    if (nonce) this.nonces.set(`${channelId}:${nonce}`, sent);
    const message = this.messageObject(sent);
    // Discord echoes the bot's own channel messages back over the gateway, as it does for everyone's.
    if (via === 'message' || via === 'followup' || (via === 'callback' && !ephemeral)) {
      const guild = this.guildOfChannel(channelId);
      this.dispatch('MESSAGE_CREATE', { ...message, channel_type: guild?.channels.find((c) => c.id === channelId)?.type ?? 1, ...(guild ? { guild_id: guild.id } : {}) });
    }
    return message;
  }

  messageObject(s: FakeSent): Record<string, unknown> {
    return messagePayload({
      channel: s.channelId,
      author: this.me,
      content: s.content,
      id: s.id,
      at: s.at,
      extra: {
        components: s.components,
        flags: s.ephemeral ? 64 : 0,
        ...(s.replyTo ? { type: 19, message_reference: { message_id: s.replyTo, channel_id: s.channelId } } : {}),
        ...(s.nonce ? { nonce: s.nonce } : {}),
      },
    });
  }
}

import { FileBox } from 'file-box';
import qrcodeTerminal from 'qrcode-terminal';
import { qrcodeValueToImageUrl, ScanStatus, WechatyBuilder, type Contact, type Message, type Room, type Wechaty, type WechatyOptions } from 'wechaty';
import type { Capability, EventSink, PlatformAdapter } from '../../src/core/adapter.ts';
import { AdapterError } from '../../src/core/errors.ts';
import type { InboundEvent, Sender } from '../../src/core/events.ts';
import type { ChatRef } from '../../src/core/ids.ts';
import type { Logger } from '../../src/core/logger.ts';
import type { Body, Outbound } from '../../src/core/outbound.ts';
import type { SendMeta, SendReceipt } from '../../src/core/outbox.ts';
import { seg } from '../../src/core/outbound.ts';
import { isBenignPuppetError, isConnectionLoss, toAdapterError } from './errors.ts';
import { mapJoin, mapLeave, mapMessage, senderOf } from './inbound.ts';
import { readContact, readMessage, readRoom } from './read.ts';
import { RecentMessages } from './recent.ts';
import { renderMessages, type RenderedImage } from './render.ts';

/** How the adapter reads time and waits (reconnect backoff, start-up wait); tests pass a fake clock. */
export interface WechatTiming {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const realWechatTiming: WechatTiming = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** The adapter's lifecycle, as the composition root and the staff chat hear it. */
export type WechatStatus =
  | { readonly state: 'starting' }
  | { readonly state: 'waiting-for-login'; readonly qr: string; readonly url: string }
  | { readonly state: 'online'; readonly account?: string }
  | { readonly state: 'offline'; readonly reason?: string };

export interface WechatAdapterOptions {
  readonly logger: Logger;
  /**
   * The puppet: an instance (the tests' PuppetMock), or a factory (what `createAdapter` passes,
   * building the puppet named by WECHATY_PUPPET), which also gives each reconnect a fresh puppet.
   */
  readonly puppet: Puppet | (() => Promise<Puppet>);
  /**
   * Where wechaty keeps its memory card (the login session some puppets resume from), as a path
   * without the `.memory-card.json` suffix. Unset: kept in memory only.
   */
  readonly memoryPath?: string;
  readonly timing?: WechatTiming;
  /** Draws the login QR code; the default draws it on stderr with qrcode-terminal. */
  readonly drawQr?: (qr: string) => void;
  /** How long start() waits for the puppet before resolving (it keeps connecting afterwards). */
  readonly startWaitMs?: number;
  /** Longest pause between reconnect attempts after the puppet connection is lost. */
  readonly maxReconnectDelayMs?: number;
}

/** How many replaced Wechaty instances are kept unstopped during an outage. */
const MAX_RETIRED = 5;
/** How long stop() waits for wechaty and the puppet to stop. */
const STOP_WAIT_MS = 8000;

type Puppet = NonNullable<Exclude<WechatyOptions['puppet'], string>>;

const drawOnStderr = (qr: string) => qrcodeTerminal.generate(qr, { small: true }, (art) => process.stderr.write(`${art}\n`));

/**
 * Hearth on WeChat through wechaty. Rooms are groups and a contact's chat is a direct chat;
 * messages, room joins and removals become core events (`inbound.ts`, read through `read.ts`);
 * bodies are sent as plain text with real `@` mentions, split at 2000 characters. How fast is
 * the outbox's WeChat send policy (gaps with jitter, caps, quiet hours), not the adapter's. The
 * puppet (web, pad through the puppet service, WeCom) is wechaty's choice, made by WECHATY_PUPPET. Login is by QR code: the adapter reports `waiting-for-login` with the code,
 * `online`, or `offline`, and never blocks the other platforms while it waits.
 */
export class WechatAdapter implements PlatformAdapter {
  readonly platform = 'wechat' as const;
  /**
   * WeChat reports a member leaving only when someone removes them, so no `member-leave-events`:
   * the core reconciles leaves from the room member list. Joins come with the inviter. Members
   * type bare words (`签到`), hardly ever a slash.
   */
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>(['dm', 'member-list', 'member-join-events', 'add-member', 'invite-qr', 'bare-words']);
  private readonly logger: Logger;
  private readonly timing: WechatTiming;
  private readonly recent = new RecentMessages();
  private readonly statusListeners: ((s: WechatStatus) => void)[] = [];
  /** Wechaty instances replaced by a reconnect, stopped with the adapter. */
  private readonly retired: Wechaty[] = [];
  /** Reconnect waits, told when the status leaves `offline`. */
  private readonly backOnline = new Set<() => void>();
  /** Parts of an outbound already sent, so the router's retry does not repeat them. */
  private readonly progress = new WeakMap<Outbound, InviteProgress>();
  private current: WechatStatus = { state: 'starting' };
  /** Whether the account is offline because the puppet connection was lost (not a logout). */
  private connectionLost = false;
  private bot: Wechaty | undefined;
  private sink: EventSink | undefined;
  private self: Contact | undefined;
  /** Inbound events are handed to the core one at a time, in the order wechaty emits them. */
  private inbound: Promise<void> = Promise.resolve();
  /** Rooms seen in inbound events: a room on puppets whose room ids look like any other id (WeCom). */
  private readonly rooms = new Set<string>();
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private reconnecting: Promise<void> | undefined;

  constructor(private readonly options: WechatAdapterOptions) {
    this.logger = options.logger;
    this.timing = options.timing ?? realWechatTiming;
  }

  get status(): WechatStatus {
    return this.current;
  }

  /** Calls `listener` on every status change (the composition root tells the staff chat). */
  onStatus(listener: (status: WechatStatus) => void): void {
    this.statusListeners.push(listener);
  }

  /** The wechaty instance, once started (tests reach the puppet through it). */
  get wechaty(): Wechaty | undefined {
    return this.bot;
  }

  private setStatus(next: WechatStatus): void {
    const prev = this.current;
    if (prev.state === next.state && JSON.stringify(prev) === JSON.stringify(next)) return;
    this.current = next;
    if (next.state !== 'offline') {
      this.connectionLost = false;
      for (const w of [...this.backOnline]) w();
    }
    for (const l of this.statusListeners) {
      try {
        l(next);
      } catch (err) {
        this.logger.error({ err }, 'wechat: status listener failed');
      }
    }
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
    const started = this.connect().catch((err: unknown) => this.onError(err));
    // A puppet service that is not reachable would hold start() for wechaty's 15 s timeout;
    // the other platforms must not wait for it. wechaty keeps connecting after we resolve.
    const wait = this.options.startWaitMs ?? 5000;
    await Promise.race([started, this.timing.sleep(wait)]);
  }

  /** Builds a Wechaty over the puppet (a fresh one from the factory) and starts it. */
  private async connect(): Promise<void> {
    const p = this.options.puppet;
    const puppet = typeof p === 'function' ? await p() : p;
    if (this.stopping) return;
    const bot = WechatyBuilder.build({ puppet, ...(this.options.memoryPath ? { name: this.options.memoryPath } : {}) });
    this.bot = bot;
    this.listen(bot);
    await bot.start();
  }

  private listen(bot: Wechaty): void {
    // A Wechaty replaced by a reconnect may still emit while it stops: only the current one counts.
    const current = () => this.bot === bot;
    // wechaty's EventEmitter throws on an `error` event nobody listens to: always listen.
    bot.on('error', (err) => {
      if (current()) this.onError(err);
      else this.logger.debug({ err: String(err) }, 'wechat: error from a replaced connection');
    });
    bot.on('scan', (qr, status) => {
      if (!current()) return;
      if (status !== ScanStatus.Waiting && status !== ScanStatus.Timeout) {
        this.logger.info({ status: ScanStatus[status] }, 'wechat: login QR code scanned');
        return;
      }
      const url = qrcodeValueToImageUrl(qr);
      this.setStatus({ state: 'waiting-for-login', qr, url });
      this.logger.info({ url }, 'wechat: waiting for login, scan the QR code with the bot account (or open the URL)');
      (this.options.drawQr ?? drawOnStderr)(qr);
    });
    bot.on('login', (user) => {
      if (!current()) return;
      this.self = user;
      this.setStatus({ state: 'online', account: user.name() });
      this.logger.info({ id: user.id, name: user.name() }, `wechat: logged in as ${user.name()}`);
    });
    bot.on('logout', (user, reason) => {
      if (!current()) return;
      this.setStatus({ state: 'offline', reason: `logged out${reason ? `: ${reason}` : ''}` });
      this.logger.warn({ id: user.id, reason }, 'wechat: logged out; waiting for the puppet to ask for a new login');
    });
    bot.on('message', (msg) => {
      if (current()) this.enqueue(() => this.onMessage(msg));
    });
    bot.on('room-join', (room, invitees, inviter, date) => {
      if (current()) this.enqueue(() => this.onJoin(room, invitees, inviter, date));
    });
    bot.on('room-leave', (room, leavers, _remover, date) => {
      if (current()) this.enqueue(() => this.onLeave(room, leavers, date));
    });
  }

  private enqueue(task: () => Promise<void>): void {
    this.inbound = this.inbound.then(task).catch((err: unknown) => this.logger.error({ err }, 'wechat: inbound event failed'));
  }

  /** Resolves once every inbound event wechaty has emitted so far reached the core. */
  settled(): Promise<void> {
    return this.inbound;
  }

  private onError(err: unknown): void {
    if (isBenignPuppetError(err)) {
      this.logger.debug({ err: String(err) }, 'wechat: benign puppet error');
      return;
    }
    if (isConnectionLoss(err)) {
      if (this.stopping) return;
      if (this.current.state !== 'offline') this.logger.warn({ err: String(err) }, 'wechat: lost the puppet connection');
      this.connectionLost = true;
      this.setStatus({ state: 'offline', reason: String((err as Error)?.message ?? err) });
      this.scheduleReconnect();
      return;
    }
    this.logger.error({ err }, 'wechat: puppet error');
  }

  /**
   * After a lost puppet connection: replace the Wechaty (and, with a factory, the puppet) with a
   * new one, with a backoff, until the puppet answers again: it logs in (a puppet service that
   * stayed logged in replays the login) or asks for a QR scan. Restarting the same instance is
   * not enough: wechaty-puppet-service's client keeps its dead stream and never hears the login.
   * Never throws: an unreachable puppet stays `offline`.
   */
  private scheduleReconnect(): void {
    if (this.reconnecting || this.stopping) return;
    this.reconnecting = (async () => {
      let failures = 0;
      while (!this.stopping && this.current.state === 'offline') {
        const delay = Math.min(this.options.maxReconnectDelayMs ?? 60_000, 1000 * 2 ** failures);
        failures++;
        // Retired before the pause, so its payload cache has closed by the time the new client opens it.
        this.retire();
        await this.timing.sleep(delay);
        if (this.stopping) break;
        this.logger.info({ failures, delay }, 'wechat: reconnecting to the puppet');
        try {
          await this.connect();
        } catch (err) {
          this.logger.warn({ err: String(err) }, 'wechat: reconnect failed');
        }
        await this.statusChange(10_000);
      }
    })().finally(() => {
      this.reconnecting = undefined;
    });
  }

  /** Sets the current Wechaty aside (see `scheduleReconnect`); at most a few are kept. */
  private retire(): void {
    const old = this.bot;
    this.bot = undefined;
    if (!old) return;
    // A local logout (no RPC) makes wechaty-puppet-service close its LevelDB payload cache, which
    // the new client opens next; its lock would otherwise be held by the retired one.
    try {
      if (old.puppet.isLoggedIn) old.puppet.emit('logout', { contactId: old.puppet.currentUserId, data: 'connection lost' });
    } catch (err) {
      this.logger.debug({ err: String(err) }, 'wechat: could not release the old puppet');
    }
    this.retired.push(old);
    if (this.retired.length > MAX_RETIRED) void this.retired.shift()!.stop().catch(() => undefined);
  }

  /** Resolves when the status leaves `offline`, or after `ms`. */
  private statusChange(ms: number): Promise<void> {
    if (this.current.state !== 'offline') return Promise.resolve();
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        this.backOnline.delete(finish);
        if (!done) resolve();
        done = true;
      };
      this.backOnline.add(finish);
      void this.timing.sleep(ms).then(finish);
    });
  }

  private async onMessage(msg: Message): Promise<void> {
    const sink = this.sink;
    if (!sink) return;
    const facts = await readMessage(msg, this.self);
    const event = mapMessage(facts, (chat, name, text) => this.recent.find(chat, name, text));
    if ('reason' in event) {
      this.logger.debug({ messageId: msg.id, reason: event.reason }, 'wechat message not mapped');
      return;
    }
    if (facts.room) this.rememberRoom(facts.room.id);
    const names = [facts.talker.name, ...(facts.talker.roomAlias ? [facts.talker.roomAlias] : [])];
    this.recent.remember(event.chat.chatId, event.messageId, { userId: facts.talker.id, name: facts.talker.roomAlias ?? facts.talker.name }, names, event.text);
    await this.deliver(sink, [event]);
  }

  private async onJoin(room: Room, invitees: Contact[], inviter: Contact, date: Date | undefined): Promise<void> {
    const sink = this.sink;
    if (!sink) return;
    const selfId = this.self?.id;
    this.rememberRoom(room.id);
    const events = mapJoin({
      room: await readRoom(room),
      invitees: await Promise.all(invitees.map((c) => readContact(c, selfId))),
      inviter: await readContact(inviter, selfId),
      at: date ?? new Date(this.timing.now()),
    });
    await this.deliver(sink, events);
  }

  private async onLeave(room: Room, leavers: Contact[], date: Date | undefined): Promise<void> {
    const sink = this.sink;
    if (!sink) return;
    const selfId = this.self?.id;
    if (leavers.some((c) => c.id === selfId)) this.logger.warn({ room: room.id }, 'wechat: the bot was removed from a room');
    const events = mapLeave({ room: await readRoom(room), leavers: await Promise.all(leavers.map((c) => readContact(c, selfId))), at: date ?? new Date(this.timing.now()) });
    await this.deliver(sink, events);
  }

  private rememberRoom(id: string): void {
    this.rooms.add(id);
    // Bounded: a bot in more rooms than this still tells rooms apart by their id's form.
    if (this.rooms.size > 10_000) this.rooms.delete(this.rooms.values().next().value!);
  }

  private async deliver(sink: EventSink, events: readonly InboundEvent[]): Promise<void> {
    for (const e of events) await sink(e);
  }

  /** The members of a room as the puppet lists them now (`member-list`). */
  async listMembers(chat: ChatRef): Promise<readonly Sender[]> {
    try {
      const bot = this.online();
      const room = await bot.Room.find({ id: chat.chatId });
      if (!room) throw new AdapterError('wechat', 'not_found', `room ${chat.chatId} not found`);
      await room.sync().catch((err: unknown) => this.onError(err));
      const members = await room.memberAll();
      const selfId = this.self?.id;
      const facts = await Promise.all(members.map((c) => readContact(c, selfId, room)));
      return facts.filter((c) => !c.isSelf).map(senderOf);
    } catch (err) {
      throw toAdapterError(err);
    }
  }

  /**
   * The wechaty instance when logged in. Before the QR login and after a logout the send is
   * `not_logged_in`, while the puppet connection is lost `network`: both are retried later.
   */
  private online(): Wechaty {
    const bot = this.bot;
    if (!bot || this.current.state !== 'online' || !bot.isLoggedIn) {
      throw new AdapterError('wechat', this.connectionLost ? 'network' : 'not_logged_in', `not logged in (${this.current.state})`);
    }
    return bot;
  }

  async send(out: Outbound, meta?: SendMeta): Promise<void | SendReceipt> {
    try {
      switch (out.type) {
        case 'reply':
          return await this.sendToChat(out, out.chat.chatId, this.replyBody(out.chat.chatId, out.replyTo, out.body), meta);
        case 'send':
          return await this.sendToChat(out, out.chat.chatId, out.body, meta);
        case 'dm':
          await this.sendDirect(out, out.user.userId, out.body);
          return;
        case 'invite':
          return await this.invite(out);
        case 'revoke':
          throw new AdapterError('wechat', 'unsupported', 'WeChat has no roles to remove');
      }
    } catch (err) {
      throw toAdapterError(err);
    }
  }

  /**
   * wechaty cannot send a quote, so a reply in a room opens with a mention of the member it
   * answers (WeChat notifies them), unless the body already starts with one.
   */
  private replyBody(chatId: string, replyTo: string, body: Body): Body {
    if (!this.isRoom(chatId)) return body;
    const author = this.recent.author(replyTo);
    if (!author) return body;
    const first = body[0];
    if (first?.type === 'mention' && first.user.userId === author.userId) return body;
    return [seg.mention({ platform: 'wechat', userId: author.userId }, author.name), ...body];
  }

  private isRoom(chatId: string): boolean {
    return this.rooms.has(chatId) || looksLikeRoom(chatId);
  }

  /**
   * A message to a chat, remembered as the bot's own among the recent ones so a member's quote of
   * it resolves to the id reported back to the outbox (how replies to an announcement are found).
   * Puppets deliver a quote as the quoted author and text, never an id, and wechaty-puppet-mock
   * returns no id from `messageSendText` (others return the puppet's), so without one the id is
   * made from the outbox's idempotency key: stable for this message, and all a quote needs.
   */
  private async sendToChat(out: Outbound, chatId: string, body: Body, meta?: SendMeta): Promise<SendReceipt | void> {
    const inRoom = this.isRoom(chatId);
    const first = await this.sendParts(out, chatId, body, inRoom);
    if (!first) return;
    const messageId = first.id ?? (meta ? `hearth-${meta.idempotencyKey}` : undefined);
    if (!messageId) return;
    const names = await this.selfNamesIn(inRoom ? chatId : undefined);
    const self = this.self;
    if (self && names.length > 0) this.recent.remember(chatId, messageId, { userId: self.id, name: names[0]! }, names, first.text);
    return { messageId };
  }

  /** How members see the bot in a chat: its nickname and, in a room, its alias there. */
  private async selfNamesIn(roomId: string | undefined): Promise<string[]> {
    const self = this.self;
    if (!self) return [];
    const names = [self.name()];
    if (roomId) {
      const room = await this.online().Room.find({ id: roomId });
      const alias = room ? await room.alias(self).catch(() => undefined) : undefined;
      if (alias) names.unshift(alias);
    }
    return names.filter((n) => n !== '');
  }

  /** A DM reaches friends only: a non-friend is `forbidden`, so the router mentions them in the group instead. */
  private async sendDirect(out: Outbound, userId: string, body: Body): Promise<void> {
    const bot = this.online();
    const contact = await bot.Contact.find({ id: userId });
    if (!contact) throw new AdapterError('wechat', 'not_found', `contact ${userId} not found`);
    if (contact.friend() === false) throw new AdapterError('wechat', 'forbidden', `${userId} is not a friend of the bot account`);
    await this.sendParts(out, userId, body, false);
  }

  /**
   * An invite to a higher-tier room: `room.add` where the bot may add members (WeChat lets room
   * owners and admins add directly; small rooms let any member invite), then the invitation text
   * by DM (in the room when the member is no friend of the bot); when adding fails, the room's QR
   * code as an image by DM with the text. When that DM is refused too (not a friend, no QR code)
   * only a person can let them in: `needs_staff`, which the core turns into a staff task.
   */
  private async invite(out: Extract<Outbound, { type: 'invite' }>): Promise<void> {
    const bot = this.online();
    // WeChat has no roles: a tier door is a room.
    if (out.door.kind !== 'chat') throw new AdapterError('wechat', 'unsupported', 'WeChat has no roles to grant; a tier door must be a room');
    const target = out.door.chat;
    const room = await bot.Room.find({ id: target.chatId });
    const contact = await bot.Contact.find({ id: out.user.userId });
    if (!room || !contact) throw new AdapterError('wechat', 'not_found', `room ${target.chatId} or contact ${out.user.userId} not found`);
    const progress = this.progress.get(out) ?? { sent: 0 };
    this.progress.set(out, progress);
    if (!progress.via) {
      try {
        await room.add(contact);
        progress.via = 'added';
        this.logger.info({ room: room.id, contact: contact.id }, 'wechat: added a member to a room');
      } catch (err) {
        this.logger.info({ room: room.id, err: String(err) }, 'wechat: could not add the member, sending the room QR code instead');
        progress.via = 'qr';
        progress.addError = String((err as Error)?.message ?? err);
      }
    }
    if (progress.via === 'added') {
      if (contact.friend() === false) {
        await this.sendParts(out, room.id, [seg.mention(out.user, contact.name()), seg.text(' '), ...out.body], true);
        return;
      }
      return await this.sendDirect(out, contact.id, out.body);
    }
    try {
      progress.qr ??= await this.roomQrImage(room, target.chatId);
      await this.sendDirect(out, contact.id, [...out.body, seg.br(), progress.qr]);
    } catch (err) {
      const e = toAdapterError(err);
      if (e.retryable) throw e;
      throw new AdapterError('wechat', 'needs_staff', `could not add ${contact.id} to ${room.id} (${progress.addError ?? 'refused'}) nor send the room QR code (${e.message})`);
    }
  }

  /** The room's QR code as a PNG image segment, drawn here from the code the puppet gives. */
  private async roomQrImage(room: Room, chatId: string): Promise<RenderedImage> {
    const code = await room.qrCode();
    const topic = await room.topic().catch(() => chatId);
    return seg.image({ data: await FileBox.fromQRCode(code).toBase64(), mime: 'image/png', alt: `${topic} QR` }) as RenderedImage;
  }

  /** Sends the body's parts not sent yet; returns the first text part sent now (its text and the puppet's id, if any). */
  private async sendParts(out: Outbound, conversationId: string, body: Body, inRoom: boolean): Promise<{ text: string; id: string | undefined } | undefined> {
    const parts = renderMessages(body, { inRoom });
    const progress = this.progress.get(out) ?? { sent: 0 };
    this.progress.set(out, progress);
    let first: { text: string; id: string | undefined } | undefined;
    for (let i = progress.sent; i < parts.length; i++) {
      const part = parts[i]!;
      const bot = this.online();
      if (part.kind === 'image') {
        const file = imageFile(part.image);
        await bot.puppet.messageSendFile(conversationId, file);
      } else {
        const id = await bot.puppet.messageSendText(conversationId, part.text, inRoom && part.mentionIds.length > 0 ? [...part.mentionIds] : undefined);
        first ??= { text: part.text, id: typeof id === 'string' && id !== '' ? id : undefined };
      }
      progress.sent = i + 1;
    }
    return first;
  }

  /** Stops wechaty (and the puppet connection). Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    const bots = [...this.retired.splice(0), ...(this.bot ? [this.bot] : [])];
    // Bounded: a puppet server that does not answer must not hold the process up (wechaty waits 15 s).
    await Promise.race([
      Promise.all(bots.map((b) => b.stop().catch((err: unknown) => this.logger.warn({ err: String(err) }, 'wechat: stop failed')))),
      this.timing.sleep(STOP_WAIT_MS),
    ]);
    await this.inbound;
    this.sink = undefined;
    this.setStatus({ state: 'offline', reason: 'stopped' });
  }
}

/** How far an outbound got, so a retry of the same object repeats nothing. */
interface InviteProgress {
  /** Parts of the body already sent. */
  sent: number;
  /** How an invite lets the member in, once decided. */
  via?: 'added' | 'qr';
  addError?: string;
  qr?: RenderedImage;
}

/** An image segment with data as a file for the puppet. */
function imageFile(image: RenderedImage): FileBox {
  const ext = image.mime?.split('/')[1] ?? 'png';
  const name = `${image.alt.replace(/[^\p{L}\p{N}_-]+/gu, '-') || 'image'}.${ext}`;
  return FileBox.fromBase64(image.data ?? '', name);
}

/** Pad and mock room ids end in `@chatroom`, web-protocol ones start with `@@`; contact ids do neither. */
const looksLikeRoom = (id: string): boolean => id.includes('@chatroom') || id.startsWith('@@');

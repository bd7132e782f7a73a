import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ChatMember, Update, UserFromGetMe } from 'grammy/types';
import { Watch } from '../watch.ts';
import { BOT_INFO } from './updates.ts';

/** A Bot API call the fake received. */
export interface FakeCall {
  readonly method: string;
  readonly payload: Record<string, unknown>;
}

/** A message the fake accepted, with what the member would see (HTML parsed back to text). */
export interface FakeSent {
  readonly chatId: string;
  readonly messageId: number;
  readonly html: string;
  readonly visible: string;
  readonly replyTo?: number;
}

/** An error the fake answers with, as the Bot API does: HTTP status = error_code. */
export interface FakeError {
  readonly error_code: number;
  readonly description: string;
  readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export type NewUpdate = Omit<Update, 'update_id'>;

/**
 * Parses Telegram HTML the way the Bot API does, for the subset Hearth emits (`b`, `a href`,
 * the four escapes), and returns the visible text; throws "can't parse entities" like Telegram
 * for an unknown tag, an unbalanced tag or a bare `<` / `&`.
 */
export function parseTelegramHtml(html: string): string {
  let out = '';
  const open: string[] = [];
  const re = /<(\/?)([a-z]+)((?:\s+[a-z]+="[^"]*")*)\s*>|&(lt|gt|amp|quot);|[<&]/gy;
  let i = 0;
  while (i < html.length) {
    const next = html.slice(i).search(/[<&]/);
    if (next < 0) {
      out += html.slice(i);
      break;
    }
    out += html.slice(i, i + next);
    i += next;
    re.lastIndex = i;
    const m = re.exec(html);
    if (!m || m[0] === '<' || m[0] === '&') throw new Error(`Bad Request: can't parse entities: unexpected "${html[i]}" at byte offset ${i}`);
    if (m[4]) out += { lt: '<', gt: '>', amp: '&', quot: '"' }[m[4]];
    else {
      const tag = m[2]!;
      if (tag !== 'b' && tag !== 'a') throw new Error(`Bad Request: can't parse entities: unsupported start tag "${tag}"`);
      if (m[1]) {
        if (open.pop() !== tag) throw new Error(`Bad Request: can't parse entities: unmatched end tag "${tag}"`);
      } else open.push(tag);
    }
    i = re.lastIndex;
  }
  if (open.length > 0) throw new Error(`Bad Request: can't parse entities: unclosed "${open.join(', ')}"`);
  return out;
}

/**
 * A loopback fake of the Telegram Bot API (`node:http` on 127.0.0.1, port 0) for the real grammY
 * client: getMe, deleteWebhook, setWebhook, long-poll getUpdates honouring offset and timeout,
 * sendMessage (with HTML checks and the 4096 limit), getChatAdministrators, createChatInviteLink,
 * setMyCommands, any error on demand (a 429 with retry_after, a 403…) and dropped connections.
 */
export class FakeBotApi {
  readonly calls: FakeCall[] = [];
  readonly sent: FakeSent[] = [];
  /** Chat id → its administrators, for getChatAdministrators. */
  readonly admins = new Map<string, ChatMember[]>();
  /** Private chats whose user never started the bot: sendMessage there is a 403. */
  readonly blocked = new Set<string>();
  /** Documents sent with sendDocument: the chat, the file name and its (text) content. */
  readonly documents: { chatId: string; filename: string; content: string }[] = [];
  readonly me: UserFromGetMe;
  private readonly updates: Update[] = [];
  private readonly failures = new Map<string, FakeError[]>();
  private readonly drops = new Map<string, number>();
  /** While set, asked about every call: an error to answer with, `drop` to lose the connection, or nothing to serve it. */
  outage: ((method: string) => FakeError | 'drop' | undefined) | undefined;
  private readonly watch = new Watch('fake Bot API', () => this.calls.map((c) => c.method).join(', '));
  private nextUpdateId = 100;
  private nextMessageId = 5000;
  private nextLink = 1;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly token = '123:TEST',
    me: Partial<UserFromGetMe> = {},
  ) {
    this.me = { ...BOT_INFO, ...me };
  }

  /** The apiRoot to give grammY. */
  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Queues an update for getUpdates; returns its update_id. */
  push(update: NewUpdate): number {
    const id = this.nextUpdateId++;
    this.updates.push({ update_id: id, ...update } as Update);
    this.notify();
    return id;
  }

  /** The next call(s) of `method` fail with `error`, in order. */
  failNext(method: string, ...errors: FakeError[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...errors]);
  }

  /** The next `times` calls of `method` lose their connection (the socket is destroyed unanswered). */
  dropNext(method: string, times = 1): void {
    this.drops.set(method, (this.drops.get(method) ?? 0) + times);
  }

  callsOf(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves once `check` holds (checked after every call); see `Watch.until`. */
  until(check: () => boolean, what: string, ms = 5000, then?: () => void): Promise<void> {
    return this.watch.until(check, what, ms, then);
  }

  /** Resolves when the bot has asked for updates past `updateId`, i.e. it has handled that update. */
  handled(updateId: number): Promise<void> {
    return this.until(() => this.callsOf('getUpdates').some((c) => Number(c.payload.offset ?? 0) > updateId), `update ${updateId} to be handled`);
  }

  private notify(): void {
    this.watch.notify();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/(\w+)/.exec(req.url ?? '');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const type = req.headers['content-type'] ?? '';
    const payload = (raw && type.includes('json') ? JSON.parse(raw) : type.includes('multipart/form-data') ? multipartFields(raw, type) : {}) as Record<string, unknown>;
    const answer = (status: number, body: unknown) => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (!match || match[1] !== this.token) {
      answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    const method = match[2]!;
    this.calls.push({ method, payload });
    this.notify();
    const down = this.outage?.(method);
    if (down === 'drop') {
      req.socket.destroy();
      return;
    }
    if (down) {
      answer(down.error_code, { ok: false, ...down });
      return;
    }
    const drops = this.drops.get(method) ?? 0;
    if (drops > 0) {
      this.drops.set(method, drops - 1);
      req.socket.destroy();
      return;
    }
    const failure = this.failures.get(method)?.shift();
    if (failure) {
      answer(failure.error_code, { ok: false, ...failure });
      return;
    }
    try {
      const result = await this.result(method, payload, req);
      if (result !== undefined) answer(200, { ok: true, result });
    } catch (err) {
      const description = (err as Error).message;
      const code = /^Forbidden/.test(description) ? 403 : 400;
      answer(code, { ok: false, error_code: code, description });
    }
  }

  private async result(method: string, p: Record<string, unknown>, req: IncomingMessage): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return this.me;
      case 'deleteWebhook':
      case 'setWebhook':
      case 'setMyCommands':
        return true;
      case 'getUpdates':
        return this.getUpdates(p, req);
      case 'sendMessage':
        return this.sendMessage(p);
      case 'sendDocument': {
        const chatId = String(p.chat_id);
        if (this.blocked.has(chatId)) throw new Error("Forbidden: bot can't initiate conversation with a user");
        const file = p.document as { filename: string; content: string } | undefined;
        if (!file) throw new Error('Bad Request: there is no document in the request');
        this.documents.push({ chatId, ...file });
        return { message_id: this.nextMessageId++, date: 0, chat: { id: Number(chatId), type: 'private' }, document: { file_id: `doc${this.documents.length}`, file_unique_id: `u${this.documents.length}`, file_name: file.filename } };
      }
      case 'getChatAdministrators':
        return this.admins.get(String(p.chat_id)) ?? [];
      case 'createChatInviteLink':
        return {
          invite_link: `https://t.me/+fake${this.nextLink++}`,
          creator: this.me,
          creates_join_request: false,
          is_primary: false,
          is_revoked: false,
          ...(p.name ? { name: p.name } : {}),
          ...(p.member_limit ? { member_limit: p.member_limit } : {}),
          ...(p.expire_date ? { expire_date: p.expire_date } : {}),
        };
      default:
        throw new Error(`Bad Request: the fake does not implement ${method}`);
    }
  }

  /** Long polling: confirms updates below `offset`, answers at once when some are waiting or `timeout` is 0. */
  private async getUpdates(p: Record<string, unknown>, req: IncomingMessage): Promise<Update[] | undefined> {
    const offset = Number(p.offset ?? 0);
    const limit = Number(p.limit ?? 100);
    const timeout = Number(p.timeout ?? 0);
    while (this.updates.length > 0 && this.updates[0]!.update_id < offset) this.updates.shift();
    const ready = () => this.updates.filter((u) => u.update_id >= offset).slice(0, limit);
    if (ready().length > 0 || timeout === 0) return ready();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeout * 1000);
      const listener = () => {
        if (ready().length > 0) done();
      };
      function done() {
        clearTimeout(timer);
        watch.delete(listener);
        resolve();
      }
      const watch = this.watch;
      watch.add(listener);
      req.socket.once('close', done);
    });
    return req.socket.destroyed ? undefined : ready();
  }

  private sendMessage(p: Record<string, unknown>): unknown {
    const chatId = String(p.chat_id);
    if (this.blocked.has(chatId)) throw new Error("Forbidden: bot can't initiate conversation with a user");
    const html = String(p.text ?? '');
    const visible = p.parse_mode === 'HTML' ? parseTelegramHtml(html) : html;
    if (visible.length > 4096) throw new Error('Bad Request: message is too long');
    if (visible.trim() === '') throw new Error('Bad Request: message text is empty');
    const reply = p.reply_parameters as { message_id?: number } | undefined;
    const sent: FakeSent = { chatId, messageId: this.nextMessageId++, html, visible, ...(reply?.message_id ? { replyTo: reply.message_id } : {}) };
    this.sent.push(sent);
    this.notify();
    const id = Number(chatId);
    return { message_id: sent.messageId, date: Math.floor(Date.now() / 1000), chat: id < 0 ? { id, type: 'supergroup', title: 'group' } : { id, type: 'private', first_name: 'member' }, text: visible };
  }
}

/**
 * The fields of a multipart/form-data body (how grammy uploads a file): plain fields as strings,
 * file parts as `{ filename, content }` (UTF-8; the fake's files are text).
 */
function multipartFields(raw: string, contentType: string): Record<string, unknown> {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) return {};
  const fields: Record<string, unknown> = {};
  for (const part of raw.split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const headers = part.slice(0, split);
    const value = part.slice(split + 4).replace(/\r\n$/, '');
    const name = /name="([^"]+)"/.exec(headers)?.[1];
    if (!name) continue;
    // grammy writes `filename=name` unquoted.
    const filename = /filename=(?:"([^"]*)"|([^;\r\n]+))/.exec(headers)?.slice(1).find((v) => v !== undefined);
    fields[name] = filename === undefined ? value : { filename, content: value };
  }
  // grammy names the file part by a random id and points the field at it with `attach://<id>`.
  for (const [k, v] of Object.entries(fields)) if (typeof v === 'string' && v.startsWith('attach://')) fields[k] = fields[v.slice('attach://'.length)];
  return fields;
}

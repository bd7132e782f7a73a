import { randomUUID } from 'node:crypto';
import { types, type payloads } from 'wechaty';
import { mock } from 'wechaty-puppet-mock';
import type { EventSink } from '../../../src/core/adapter.ts';
import type { InboundEvent } from '../../../src/core/events.ts';
import type { Logger } from '../../../src/core/logger.ts';
import { WechatAdapter, type WechatAdapterOptions } from '../../../adapters/wechat/index.ts';
import { RecordingPuppetMock } from './mock-puppet.ts';

/** The bot account and the people and room every WeChat test starts with. */
export const BOT = { id: 'wxid_bot', name: '品牌小助手' } as const;
export const ZHANG = { id: 'wxid_zhang', name: '张三', weixin: 'zhangsan88' } as const;
export const LI = { id: 'wxid_li', name: '李四' } as const;
export const BOB = { id: 'wxid_bob', name: 'Bob' } as const;
export const ROOM = { id: 'core@chatroom', topic: '核心群' } as const;

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly obj: Record<string, unknown>;
  readonly msg?: string;
}

/** A logger that keeps every line, so tests can wait for "not mapped" and check what was said. */
export function recordingLogger(): Logger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (obj: object, msg?: string) => {
    lines.push({ level, obj: obj as Record<string, unknown>, ...(msg === undefined ? {} : { msg }) });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Polls `ready` every few milliseconds, at most `ms`; fails naming what it waited for. */
export async function until(ready: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface SayOptions {
  readonly id?: string;
  readonly type?: number;
  /** Contact ids the message mentions (the puppet's mentionIdList). */
  readonly mentions?: readonly string[];
  readonly timestamp?: number;
  /** A link/article card (type Url) or mini-program payload for this message. */
  readonly url?: payloads.UrlLink;
  readonly miniProgram?: payloads.MiniProgram;
}

/**
 * The fast lane: the real Wechaty over wechaty-puppet-mock, in process. Contacts have WeChat-like
 * ids, rooms `@chatroom` ids; the bot logs in after a QR scan like a real account.
 */
export async function wechatLane(opts: { options?: Partial<WechatAdapterOptions>; logger?: Logger; sink?: EventSink; puppetClock?: () => number } = {}) {
  const mocker = new mock.Mocker();
  const puppet = new RecordingPuppetMock(mocker, opts.puppetClock);
  const logger = recordingLogger();
  const events: InboundEvent[] = [];
  const statuses: string[] = [];
  const contacts = {
    bot: mocker.createContact({ id: BOT.id, name: BOT.name }),
    zhang: mocker.createContact({ id: ZHANG.id, name: ZHANG.name, weixin: ZHANG.weixin, alias: '张三-VIP' }),
    li: mocker.createContact({ id: LI.id, name: LI.name }),
    bob: mocker.createContact({ id: BOB.id, name: BOB.name }),
  };
  const room = mocker.createRoom({ id: ROOM.id, topic: ROOM.topic, memberIdList: [BOT.id, ZHANG.id, LI.id, BOB.id] });
  const adapter = new WechatAdapter({
    puppet,
    logger: opts.logger ?? logger,
    drawQr: () => {},
    startWaitMs: 0,
    ...opts.options,
  });
  adapter.onStatus((s) => statuses.push(s.state));
  await adapter.start(async (e) => {
    events.push(e);
    await opts.sink?.(e);
  });
  await new Promise((r) => setTimeout(r, 10));
  mocker.scan('https://login.weixin.qq.com/l/hearth-test', types.ScanStatus.Waiting);
  await until(() => adapter.status.state === 'waiting-for-login', 'the QR code');
  mocker.login(contacts.bot);
  await until(() => adapter.status.state === 'online', 'login');

  const contactOf = (id: string) => mocker.ContactMock.load(id);

  /** Has `from` send a message to a room or contact id; resolves once the adapter handled it. */
  async function say(from: string, to: string, text: string, o: SayOptions = {}): Promise<InboundEvent[]> {
    const id = o.id ?? randomUUID();
    const before = events.length;
    const logged = logger.lines.length;
    const isRoom = to.includes('@chatroom');
    if (o.url) puppet.urlCards.set(id, o.url);
    if (o.miniProgram) puppet.miniPrograms.set(id, o.miniProgram);
    const payload = {
      id,
      talkerId: from,
      text,
      timestamp: o.timestamp ?? Date.now(),
      type: o.type ?? types.Message.Text,
      ...(isRoom ? { roomId: to, mentionIdList: [...(o.mentions ?? [])] } : { listenerId: to }),
    };
    try {
      mocker.MessageMock.load(id);
    } catch {
      mocker.MessageMock.create(payload as never);
    }
    puppet.emit('message', { messageId: id });
    await until(
      () =>
        events.slice(before).some((e) => e.type === 'message' && e.messageId === id) ||
        logger.lines.slice(logged).some((l) => l.obj.messageId === id),
      `message ${id} to be handled`,
    );
    await adapter.settled();
    return events.slice(before);
  }

  /** Waits for `count` more events than there were `before`. */
  async function next(before: number, count = 1, what = 'an event'): Promise<InboundEvent[]> {
    await until(() => events.length >= before + count, what);
    await adapter.settled();
    return events.slice(before);
  }

  return { mocker, puppet, adapter, events, logger, statuses, contacts, room, contactOf, say, next };
}

export type WechatLane = Awaited<ReturnType<typeof wechatLane>>;

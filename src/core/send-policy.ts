import { addDays, localDay, offsetMs, startOfLocalDay } from './clock.ts';
import type { Platform } from './ids.ts';
import type { DeliveryClass } from './outbox.ts';

/**
 * How fast the bot may talk on one platform (its account) and in one chat. Every field is
 * optional; an empty policy sends as fast as the adapter takes messages. Daily caps count local
 * days in the community's time zone.
 */
export interface SendPolicy {
  /** Least time between two sends on the account. */
  readonly minGapMs?: number;
  /** A random extra 0…jitterMs added to each gap, so sends do not look machine-timed (WeChat). */
  readonly jitterMs?: number;
  readonly perSecond?: number;
  readonly perMinute?: number;
  /** Per account and local day; what does not fit waits for the next day and the staff chat is told. */
  readonly perDay?: number;
  /** Least time between two sends in one chat. */
  readonly chatMinGapMs?: number;
  readonly perChatPerMinute?: number;
  readonly perChatPerDay?: number;
  /** `HH:MM`–`HH:MM` local time in which broadcasts and bulk sends wait (replies still go). */
  readonly quietHours?: { readonly from: string; readonly to: string };
}

/** Why a message has to wait. `day-cap` / `chat-day-cap` are reported to the staff chat. */
export type WaitReason = 'gap' | 'rate' | 'chat-gap' | 'chat-rate' | 'day-cap' | 'chat-day-cap' | 'quiet-hours';

export interface Wait {
  readonly until: number;
  readonly reason: WaitReason;
}

/** What the pacer needs to know about a message. */
export interface PacedMessage {
  readonly platform: Platform;
  readonly lane: string;
  readonly cls: DeliveryClass;
}

export interface PacerOptions {
  readonly policies: Readonly<Partial<Record<Platform, SendPolicy>>>;
  /** Per-chat overrides, keyed by lane (`wechat:room1`, `telegram:dm:42`). */
  readonly chats?: Readonly<Record<string, SendPolicy>>;
  readonly timeZone: string;
  /** 0 ≤ x < 1; tests pass a fixed one. */
  readonly random?: () => number;
  /** Sends already made since `since` (ms) that count against daily caps: read once per scope and day. */
  readonly countSince: (platform: Platform, since: number, lane?: string) => number;
}

/** Timestamps of recent sends within a span: how long until one more fits. */
class SlidingWindow {
  private readonly stamps: number[] = [];
  constructor(
    private readonly max: number,
    private readonly spanMs: number,
  ) {}

  waitUntil(now: number): number {
    while (this.stamps.length > 0 && this.stamps[0]! <= now - this.spanMs) this.stamps.shift();
    return this.stamps.length < this.max ? now : this.stamps[0]! + this.spanMs;
  }

  take(now: number): void {
    this.stamps.push(now);
  }
}

/** A count per local day, loaded from the outbox the first time a day is asked about. */
class DayCount {
  private day = '';
  private count = 0;
  constructor(private readonly load: (since: number) => number) {}

  get(now: number, timeZone: string): number {
    const today = localDay(new Date(now), timeZone);
    if (today !== this.day) {
      this.day = today;
      this.count = this.load(startOfLocalDay(today, timeZone).getTime());
    }
    return this.count;
  }

  take(now: number, timeZone: string): void {
    this.get(now, timeZone);
    this.count++;
  }
}

interface Scope {
  last?: number;
  gap: number;
  second?: SlidingWindow;
  minute?: SlidingWindow;
  day?: DayCount;
}

const CAPPED = (cls: DeliveryClass) => cls !== 'staff';
const QUIET_HELD = (cls: DeliveryClass) => cls === 'broadcast' || cls === 'bulk';

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/**
 * Applies send policies: asked before each send whether a message may go now, told after each
 * send. Gaps and per-second/minute windows are kept in memory (a restart forgets them, which at
 * worst sends one window early); daily counts are read back from the outbox, so a restart does not
 * reset a day's cap.
 */
export class Pacer {
  private readonly accounts = new Map<Platform, Scope>();
  private readonly chats = new Map<string, Scope>();
  private readonly random: () => number;
  /**
   * The per-chat overrides as a map: looked up by every message's lane, a key the object form
   * (usually empty) would be searched for as a dictionary property each time.
   */
  private readonly overrides: ReadonlyMap<string, SendPolicy>;

  constructor(private readonly options: PacerOptions) {
    this.random = options.random ?? Math.random;
    this.overrides = new Map(Object.entries(options.chats ?? {}));
  }

  policyOf(platform: Platform): SendPolicy {
    return this.options.policies[platform] ?? {};
  }

  /** Whether a daily cap applies to the message's account or chat (its count is read back from the outbox). */
  hasDayCap(msg: PacedMessage): boolean {
    const policy = this.chatPolicy(msg);
    return policy.perDay !== undefined || policy.perChatPerDay !== undefined;
  }

  private chatPolicy(msg: PacedMessage): SendPolicy {
    const own = this.overrides.size === 0 ? undefined : this.overrides.get(msg.lane);
    // Most chats have no override: their platform's policy as it is, without a copy per message.
    return own ? { ...this.policyOf(msg.platform), ...own } : this.policyOf(msg.platform);
  }

  private account(platform: Platform): Scope {
    let s = this.accounts.get(platform);
    if (!s) {
      const p = this.policyOf(platform);
      s = {
        gap: this.gap(p.minGapMs, p.jitterMs),
        ...(p.perSecond ? { second: new SlidingWindow(p.perSecond, 1000) } : {}),
        ...(p.perMinute ? { minute: new SlidingWindow(p.perMinute, 60_000) } : {}),
        ...(p.perDay ? { day: new DayCount((since) => this.options.countSince(platform, since)) } : {}),
      };
      this.accounts.set(platform, s);
    }
    return s;
  }

  private chat(msg: PacedMessage): Scope {
    let s = this.chats.get(msg.lane);
    if (!s) {
      const p = this.chatPolicy(msg);
      s = {
        gap: p.chatMinGapMs ?? 0,
        ...(p.perChatPerMinute ? { minute: new SlidingWindow(p.perChatPerMinute, 60_000) } : {}),
        ...(p.perChatPerDay ? { day: new DayCount((since) => this.options.countSince(msg.platform, since, msg.lane)) } : {}),
      };
      // A long-running bot talks to many chats; forget idle ones rather than keep each forever.
      if (this.chats.size >= 10_000) this.chats.clear();
      this.chats.set(msg.lane, s);
    }
    return s;
  }

  private gap(min = 0, jitter = 0): number {
    return min + (jitter > 0 ? Math.floor(this.random() * jitter) : 0);
  }

  /** When the message may go, if not now. */
  check(msg: PacedMessage, now: number): Wait | undefined {
    const policy = this.chatPolicy(msg);
    const tz = this.options.timeZone;
    if (policy.quietHours && QUIET_HELD(msg.cls)) {
      const until = this.quietUntil(policy.quietHours, now);
      if (until !== undefined) return { until, reason: 'quiet-hours' };
    }
    const account = this.account(msg.platform);
    const chat = this.chat(msg);
    if (CAPPED(msg.cls)) {
      const tomorrow = () => startOfLocalDay(addDays(localDay(new Date(now), tz), 1), tz).getTime();
      const p = this.policyOf(msg.platform);
      if (account.day && p.perDay !== undefined && account.day.get(now, tz) >= p.perDay) return { until: tomorrow(), reason: 'day-cap' };
      if (chat.day && policy.perChatPerDay !== undefined && chat.day.get(now, tz) >= policy.perChatPerDay) return { until: tomorrow(), reason: 'chat-day-cap' };
    }
    // The latest of the waits (the first of equal ones), without building a list of them per message.
    let latest: Wait | undefined;
    const gap = account.last === undefined ? undefined : account.last + account.gap;
    if (gap !== undefined && gap > now) latest = { until: gap, reason: 'gap' };
    const second = account.second?.waitUntil(now);
    if (second !== undefined && second > (latest?.until ?? now)) latest = { until: second, reason: 'rate' };
    const minute = account.minute?.waitUntil(now);
    if (minute !== undefined && minute > (latest?.until ?? now)) latest = { until: minute, reason: 'rate' };
    const chatGap = chat.last === undefined ? undefined : chat.last + chat.gap;
    if (chatGap !== undefined && chatGap > (latest?.until ?? now)) latest = { until: chatGap, reason: 'chat-gap' };
    const chatMinute = chat.minute?.waitUntil(now);
    if (chatMinute !== undefined && chatMinute > (latest?.until ?? now)) latest = { until: chatMinute, reason: 'chat-rate' };
    return latest;
  }

  /** Records a send that is about to happen (taken before the call, so parallel lanes see it). */
  record(msg: PacedMessage, now: number): void {
    const tz = this.options.timeZone;
    const account = this.account(msg.platform);
    const chat = this.chat(msg);
    const p = this.policyOf(msg.platform);
    account.last = now;
    account.gap = this.gap(p.minGapMs, p.jitterMs);
    account.second?.take(now);
    account.minute?.take(now);
    chat.last = now;
    chat.minute?.take(now);
    if (CAPPED(msg.cls)) {
      account.day?.take(now, tz);
      chat.day?.take(now, tz);
    }
  }

  /** The end of the quiet hours `now` falls in, or nothing when it is not in them. */
  private quietUntil(q: { from: string; to: string }, now: number): number | undefined {
    const tz = this.options.timeZone;
    const local = Math.floor(((now + offsetMs(new Date(now), tz)) % 86_400_000) / 60_000);
    const from = minutesOf(q.from);
    const to = minutesOf(q.to);
    const inside = from <= to ? local >= from && local < to : local >= from || local < to;
    if (!inside) return undefined;
    const today = localDay(new Date(now), tz);
    const endDay = local < to ? today : addDays(today, 1);
    // Midnight plus the minutes, corrected when the day changes its offset in between (daylight saving).
    const midnight = startOfLocalDay(endDay, tz);
    const guess = midnight.getTime() + to * 60_000;
    return guess + offsetMs(midnight, tz) - offsetMs(new Date(guess), tz);
  }
}

import type { AdapterStatus } from '../../core/adapter.ts';
import { addDays, localDateTime, localDay } from '../../core/clock.ts';
import type { Locale, Translator } from '../../core/i18n.ts';
import { parseChatKey, type ChatRef, type Platform } from '../../core/ids.ts';
import { joinLines, type Body, type Outbound } from '../../core/outbound.ts';
import { tagOutbound, type MessageRef, type OutboxStats, type OutboxStore, type SentRefs } from '../../core/outbox.ts';
import type { DeferredReport } from '../../core/outbox-sender.ts';

export interface OutboxServiceDeps {
  readonly store: OutboxStore;
  readonly translator: Translator;
  readonly timeZone: string;
  readonly staffChat: string | undefined;
  readonly staffLocale: Locale;
}

/**
 * What operators see of delivery: `/outbox`, `export`, and the staff notice when a daily cap holds
 * messages; and, for features, what a sent message was about (`refOf`), to recognise replies to it.
 */
export class OutboxService implements SentRefs {
  /** The last state the staff chat was told per platform (`online` until told otherwise). */
  private readonly told = new Map<Platform, AdapterStatus['state']>();

  constructor(private readonly deps: OutboxServiceDeps) {}

  /**
   * The staff chat's notice for an adapter's status change: offline (with the reason), a new
   * login needed (after having been online), banned, and back online after any of those. Each
   * is said once: a connection that flaps while reconnecting is one "offline", not many. The
   * first login at start and the adapter's own stop say nothing. A staff chat on the platform
   * that went offline hears it when the platform is back (the notice waits in the outbox).
   */
  statusNotice(platform: Platform, status: AdapterStatus, at: Date): Outbound[] {
    const before = this.told.get(platform);
    const key = ((): string | undefined => {
      switch (status.state) {
        case 'offline':
          return status.reason === 'stopped' || before === 'offline' || before === 'banned' ? undefined : 'adapter.offline';
        case 'waiting-for-login':
          return before === undefined || before === 'waiting-for-login' ? undefined : 'adapter.login_needed';
        case 'banned':
          return before === 'banned' ? undefined : 'adapter.banned';
        case 'online':
          return before === undefined || before === 'online' ? undefined : 'adapter.back_online';
        case 'starting':
          return undefined;
      }
    })();
    if (status.state === 'online' || key !== undefined) this.told.set(platform, status.state);
    const { staffChat, translator: tr, staffLocale, timeZone } = this.deps;
    if (!key || !staffChat) return [];
    const reason = 'reason' in status && status.reason ? status.reason : '';
    const body = tr.t(staffLocale, key, { platform, reason, at: localDateTime(at, timeZone) });
    return [tagOutbound({ type: 'send', chat: parseChatKey(staffChat), body }, { cls: 'staff' })];
  }

  /** The ref a feature tagged a sent message with, from the platform's id of it in `chat`. */
  refOf(chat: ChatRef, platformMessageId: string): MessageRef | undefined {
    return this.deps.store.refOf(chat, platformMessageId);
  }

  stats(): OutboxStats {
    return this.deps.store.stats();
  }

  /** `/outbox`: counts per platform and the oldest waiting message, in the operator's language. */
  summary(locale: Locale): Body {
    const { translator: tr, timeZone } = this.deps;
    const stats = this.stats();
    const platforms = Object.entries(stats.platforms);
    if (platforms.length === 0) return tr.t(locale, 'outbox.empty');
    const lines: Body[] = [tr.t(locale, 'outbox.title'), ...platforms.map(([platform, n]) => tr.t(locale, 'outbox.platform', { platform, ...n }))];
    const oldest = stats.oldestPending;
    if (!oldest) lines.push(tr.t(locale, 'outbox.none_waiting'));
    else {
      lines.push(tr.t(locale, 'outbox.oldest', { id: oldest.id, lane: oldest.lane, since: localDateTime(new Date(oldest.createdAt), timeZone), attempts: oldest.attempts }));
      if (oldest.error) lines.push(tr.t(locale, 'outbox.oldest_error', { error: oldest.error }));
    }
    return joinLines(lines);
  }

  /** The staff chat's notice that a daily cap holds messages back (none without a staff chat: the log says it). */
  deferredNotice(report: DeferredReport): Outbound[] {
    const { staffChat, translator: tr, staffLocale, timeZone } = this.deps;
    if (!staffChat) return [];
    const last = addDays(localDay(new Date(report.until), timeZone), report.days - 1);
    const params = { count: report.pending, platform: report.platform, cap: report.cap, day: last, chat: report.lane ?? '' };
    const body = tr.t(staffLocale, report.lane ? 'outbox.deferred_chat' : 'outbox.deferred', params);
    return [tagOutbound({ type: 'send', chat: parseChatKey(staffChat), body }, { cls: 'staff' })];
  }
}

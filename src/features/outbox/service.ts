import { addDays, localDateTime, localDay } from '../../core/clock.ts';
import type { Locale, Translator } from '../../core/i18n.ts';
import { parseChatKey } from '../../core/ids.ts';
import { joinLines, type Body, type Outbound } from '../../core/outbound.ts';
import { tagOutbound, type OutboxStats, type OutboxStore } from '../../core/outbox.ts';
import type { DeferredReport } from '../../core/outbox-sender.ts';

export interface OutboxServiceDeps {
  readonly store: OutboxStore;
  readonly translator: Translator;
  readonly timeZone: string;
  readonly staffChat: string | undefined;
  readonly staffLocale: Locale;
}

/** What operators see of delivery: `/outbox`, `export`, and the staff notice when a daily cap holds messages. */
export class OutboxService {
  constructor(private readonly deps: OutboxServiceDeps) {}

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

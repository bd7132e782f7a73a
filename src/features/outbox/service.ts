import type { AdapterStatus } from '../../core/adapter.ts';
import { addDays, localDateTime, localDay, startOfLocalDay } from '../../core/clock.ts';
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
  /** Days settled messages are kept (`delivery.keepDays`, at least 2). */
  readonly keepDays: number;
  /** Called before the figures are read: writes the sent marks the sender still holds in memory. */
  readonly beforeRead?: () => void;
}

/** The outbox's figures for `/outbox` and `export`: counts cover the settled messages still kept. */
export interface OutboxReport extends OutboxStats {
  /** Sent, failed and expired messages older than this many days are deleted by the daily job. */
  readonly keepDays: number;
}

/** Rows one retention transaction deletes at most, so a long backlog never holds the writer for long. */
export const RETENTION_BATCH = 2000;

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
    // The platform id is written with the sent mark, which the sender may still hold in memory.
    this.deps.beforeRead?.();
    return this.deps.store.refOf(chat, platformMessageId);
  }

  stats(): OutboxReport {
    this.deps.beforeRead?.();
    return { ...this.deps.store.stats(), keepDays: this.deps.keepDays };
  }

  /**
   * The instant before which settled messages go, for a run at `at`: the start of the local day
   * `keepDays` days before today in the community's zone (so a message is kept whole days, across
   * a DST change too).
   */
  retentionCutoff(at: Date): number {
    const { timeZone, keepDays } = this.deps;
    return startOfLocalDay(addDays(localDay(at, timeZone), -keepDays), timeZone).getTime();
  }

  /**
   * Deletes the sent, failed and expired messages settled before `retentionCutoff(at)`, in
   * transactions of at most `batch` rows with `pause()` between them (the job yields to events).
   * Pending messages stay, however old: they are still to be sent or expired by the sender.
   * Returns how many rows went.
   */
  async purgeSettled(at: Date, pause: () => Promise<void>, batch = RETENTION_BATCH): Promise<number> {
    const { store } = this.deps;
    const before = this.retentionCutoff(at);
    let deleted = 0;
    for (;;) {
      const n = store.transaction(() => store.deleteSettled(before, batch));
      deleted += n;
      if (n < batch) return deleted;
      await pause();
    }
  }

  /** `/outbox`: counts per platform and the oldest waiting message, in the operator's language. */
  summary(locale: Locale): Body {
    const { translator: tr, timeZone } = this.deps;
    const stats = this.stats();
    const platforms = Object.entries(stats.platforms);
    if (platforms.length === 0) return tr.t(locale, 'outbox.empty');
    const lines: Body[] = [tr.t(locale, 'outbox.title'), ...platforms.map(([platform, n]) => tr.t(locale, 'outbox.platform', { platform, ...n }))];
    const oldest = stats.oldestPending;
    lines.push(tr.t(locale, 'outbox.kept', { days: stats.keepDays }));
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

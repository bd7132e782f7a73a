import type Database from 'better-sqlite3';
import { localDay } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import { LOCALES, type Locale, type Translator } from '../../core/i18n.ts';
import { parseChatKey } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { Body, Outbound } from '../../core/outbound.ts';
import { joinLines, seg } from '../../core/outbound.ts';
import { tagOf, tagOutbound } from '../../core/outbox.ts';
import type { UndeliverableMessage } from '../../core/outbox-sender.ts';
import { ConfigError } from '../../config/load.ts';
import type { QuietConfig } from '../../config/schema.ts';
import type { Db } from '../../db/open.ts';
import type { AuditService } from '../audit/index.ts';
import { STAGE_DAYS, stageAt, type ActivityNote, type MembersService } from '../members/index.ts';
import type { PointsService } from '../points/index.ts';
import type { TierService } from '../tiers/index.ts';
import type { FlagStatus } from './schema.ts';

const DAY_MS = 86_400_000;
/** The outbox origin of a recall DM: `quiet.recall:<flag id>`. */
const RECALL_ORIGIN = 'quiet.recall:';

/** A flag row as the service reads it (snake_case columns mapped to camelCase). */
export interface FlagRow {
  readonly id: number;
  readonly memberId: number;
  readonly name: string;
  readonly status: FlagStatus;
  readonly flaggedAt: number;
  readonly quietSince: number;
  readonly tier: string;
  readonly daysQuiet: number;
  readonly usualGapDays: number | null;
  readonly activeDays: number;
  readonly baselineDays: number;
  readonly streakLost: number;
  readonly balance: number;
  readonly lifetime: number;
  readonly stage: 'new' | 'growing' | 'established';
  readonly highValue: number;
  readonly risk: number;
  readonly snoozedUntil: number | null;
  readonly reviewedBy: number | null;
  readonly reviewedAt: number | null;
  readonly note: string | null;
  readonly recallTemplate: string | null;
  readonly recalledAt: number | null;
  readonly recalledBy: number | null;
  readonly recallVia: 'dm' | 'task' | null;
  readonly recallChat: string | null;
  readonly bonus: number;
  readonly bonusPaidAt: number | null;
  readonly returnedAt: number | null;
  readonly returnedVia: string | null;
}

/** What one scan did. */
export interface ScanResult {
  /** Members newly flagged. */
  readonly flagged: number;
  /** Snoozed flags whose snooze ran out and are back in the queue. */
  readonly reopened: number;
}

/** Sent / returned counts for one group of recalls (a template, a tier, or the unrecalled baseline). */
export interface OutcomeRow {
  readonly key: string;
  readonly sent: number;
  /** Returned within each of `outcomeDays`, in the same order. */
  readonly returned: readonly number[];
  /** `returned / sent` per window (0 when nothing was sent). */
  readonly rate: readonly number[];
}

export interface RecallStats {
  readonly windows: readonly number[];
  readonly total: OutcomeRow;
  readonly byTemplate: readonly OutcomeRow[];
  readonly byTier: readonly OutcomeRow[];
  /** Flags never recalled: how many of those members came back anyway, within the same windows of being flagged. */
  readonly baseline: OutcomeRow;
}

export interface QuietDeps {
  readonly db: Db;
  readonly config: QuietConfig;
  readonly tiers: TierService;
  readonly members: MembersService;
  readonly points: PointsService;
  readonly audit: AuditService;
  readonly translator: Translator;
  readonly logger: Logger;
  /** Community time zone: dates in cards and the scan's time of day. */
  readonly timeZone: string;
  /** Community default locale: digests and tasks to the staff chat use it. */
  readonly locale: Locale;
  /** `platform:chat-id` of the moderators' chat; its members are never flagged. */
  readonly staffChat?: string;
}

const FLAG_COLUMNS = `f.id, f.member_id AS memberId, m.name AS name, f.status, f.flagged_at AS flaggedAt, f.quiet_since AS quietSince, f.tier,
  f.days_quiet AS daysQuiet, f.usual_gap_days AS usualGapDays, f.active_days AS activeDays, f.baseline_days AS baselineDays,
  f.streak_lost AS streakLost, f.balance, f.lifetime, f.stage, f.high_value AS highValue, f.risk, f.snoozed_until AS snoozedUntil,
  f.reviewed_by AS reviewedBy, f.reviewed_at AS reviewedAt, f.note, f.recall_template AS recallTemplate, f.recalled_at AS recalledAt,
  f.recalled_by AS recalledBy, f.recall_via AS recallVia, f.recall_chat AS recallChat, f.bonus, f.bonus_paid_at AS bonusPaidAt,
  f.returned_at AS returnedAt, f.returned_via AS returnedVia`;

/** Current risk: days quiet now over the member's baseline. Ranks the queue. */
const CURRENT_RISK = `((@now - f.quiet_since) / 86400000.0 / f.baseline_days)`;

/**
 * Quiet members: the daily scan that flags them with a risk explanation, the moderators' review
 * (recall, snooze, dismiss), recalls by DM from a localised template, and the measured outcome.
 * Flags never kick anyone.
 */
export class QuietService {
  private readonly scanQ: Database.Statement;
  private readonly reopenQ: Database.Statement;
  private readonly returnQ: Database.Statement;
  private readonly viaCheckinQ: Database.Statement;
  private readonly bonusDueQ: Database.Statement;
  private readonly bonusPaidQ: Database.Statement;
  private readonly byIdQ: Database.Statement;

  constructor(private readonly deps: QuietDeps) {
    const missing = deps.config.templates.flatMap((id, i) =>
      LOCALES.filter((l) => deps.translator.template(l, `quiet.recall.${id}`) === `quiet.recall.${id}`).map((l) => ({
        path: `quiet.templates[${i}]`,
        message: `no message quiet.recall.${id} in messages/${l}.yaml`,
      })),
    );
    if (missing.length > 0) throw new ConfigError('community.yaml', missing);
    const s = deps.db.sqlite;
    const { config, tiers } = deps;
    // Each tier's threshold in days as one CASE (evaluated per member row, up to three times).
    const threshold = `CASE m.tier ${tiers.ids.map((t) => `WHEN '${t}' THEN ${config.tierThresholdDays[t] ?? config.thresholdDays}`).join(' ')} ELSE @defaultDays END`;
    // One set-based statement, so the scan stays fast over a million members (issue 7's benchmark).
    // It reads the members, groups, check-in and points tables without writing them; it writes
    // only quiet_flags. `INSERT OR IGNORE` against the two unique indexes (one active flag per
    // member; one flag per quiet spell) makes a second run — or a restart — flag nobody twice.
    // CROSS JOIN keeps members as the outer loop (rowid order, so GROUP BY needs no sort) and
    // probes memberships by their (member_id, chat_key) key. Active days are counted in the same
    // pass (the join repeats rows per membership, which COUNT DISTINCT, MIN and MAX do not mind)
    // instead of a second grouped pass over the candidates that then needed an index built on it:
    // a first scan flagging a third of a million members went from 3.8 s to about 2. `since` is
    // at least the last activity, so the WHERE may already drop members active within their own
    // tier's threshold (the HAVING decides): they no longer reach the activity join.
    this.scanQ = s.prepare(`
      WITH cand AS (
        SELECT m.id AS member_id, m.tier AS tier,
          MAX(COALESCE(m.last_active_at, 0), MAX(MAX(COALESCE(ms.joined_at, ms.first_seen_at), g.tracking_started_at))) AS since,
          MIN(ms.first_seen_at) AS joined,
          ${threshold} AS threshold,
          COUNT(DISTINCT a.day) AS n, julianday(MAX(a.day)) - julianday(MIN(a.day)) AS span
        FROM members m
        CROSS JOIN memberships ms ON ms.member_id = m.id AND ms.left_at IS NULL AND ms.chat_key <> @staffChat
        JOIN groups g ON g.chat_key = ms.chat_key
        LEFT JOIN activity_days a ON a.member_id = m.id
        WHERE m.merged_into IS NULL
          AND m.id NOT IN (SELECT value FROM json_each(@staffIds))
          AND COALESCE(m.last_active_at, 0) <= @now - @minDays * 86400000
          AND COALESCE(m.last_active_at, 0) <= @now - ${threshold} * 86400000
          AND NOT EXISTS (SELECT 1 FROM quiet_flags f WHERE f.member_id = m.id AND f.status IN ('open', 'snoozed', 'recalled'))
        GROUP BY m.id
        HAVING since <= @now - threshold * 86400000
      ),
      scored AS (
        SELECT c.*, CASE WHEN c.n >= 2 THEN c.span / (c.n - 1) END AS gap,
          COALESCE(b.balance, 0) AS balance, COALESCE(b.lifetime, 0) AS lifetime, (@now - c.since) / 86400000.0 AS quiet
        FROM cand c LEFT JOIN balances b ON b.member_id = c.member_id
      )
      INSERT OR IGNORE INTO quiet_flags (member_id, status, flagged_at, quiet_since, tier, days_quiet, usual_gap_days, active_days,
        baseline_days, streak_lost, balance, lifetime, stage, high_value, risk)
      SELECT member_id, 'open', @now, since, tier, CAST(quiet AS INTEGER), gap, n, MAX(1.0, COALESCE(gap, threshold)),
        COALESCE((SELECT k.streak FROM checkins k WHERE k.member_id = scored.member_id ORDER BY k.day DESC LIMIT 1), 0),
        balance, lifetime,
        CASE WHEN @now - joined < ${STAGE_DAYS.new} * 86400000 THEN 'new' WHEN @now - joined < ${STAGE_DAYS.growing} * 86400000 THEN 'growing' ELSE 'established' END,
        (tier = @topTier OR lifetime >= @highValue), quiet / MAX(1.0, COALESCE(gap, threshold))
      FROM scored WHERE true`);
    this.reopenQ = s.prepare(`UPDATE quiet_flags SET status = 'open', snoozed_until = NULL WHERE status = 'snoozed' AND snoozed_until <= @now`);
    this.returnQ = s.prepare(`
      UPDATE quiet_flags SET returned_at = @at, returned_via = @via,
        status = CASE WHEN status IN ('open', 'snoozed', 'recalled') THEN 'returned' ELSE status END
      WHERE member_id = @memberId AND returned_at IS NULL AND status IN ('open', 'snoozed', 'recalled', 'dismissed') AND flagged_at <= @at`);
    this.viaCheckinQ = s.prepare(`UPDATE quiet_flags SET returned_via = 'checkins' WHERE member_id = @memberId AND returned_at = @at`);
    this.bonusDueQ = s.prepare(`
      SELECT id, bonus FROM quiet_flags WHERE member_id = @memberId AND bonus > 0 AND bonus_paid_at IS NULL
        AND recalled_at IS NOT NULL AND recalled_at <= @at AND @at <= recalled_at + @windowMs ORDER BY id DESC LIMIT 1`);
    this.bonusPaidQ = s.prepare('UPDATE quiet_flags SET bonus_paid_at = ? WHERE id = ?');
    this.byIdQ = s.prepare(`SELECT ${FLAG_COLUMNS} FROM quiet_flags f JOIN members m ON m.id = f.member_id WHERE f.id = ?`);
  }

  private get topTier(): string {
    return this.deps.tiers.ids[this.deps.tiers.ids.length - 1]!;
  }

  /**
   * The daily scan as of `now`: flags every member quiet past their tier's threshold, measured
   * from max(joined, tracking started, last activity), who is still in a group; puts snoozed
   * flags whose time ran out back in the queue. Idempotent. Runs in its own transaction.
   */
  scan(now: Date): ScanResult {
    const { config } = this.deps;
    const minDays = Math.min(config.thresholdDays, ...Object.values(config.tierThresholdDays));
    return this.deps.db.transaction(() => {
      const reopened = this.reopenQ.run({ now: now.getTime() }).changes;
      const flagged = this.scanQ.run({
        now: now.getTime(),
        defaultDays: config.thresholdDays,
        minDays,
        staffChat: this.deps.staffChat ?? '',
        staffIds: JSON.stringify(config.includeStaff ? [] : this.deps.members.staffMemberIds()),
        topTier: this.topTier,
        highValue: config.highValueLifetime ?? Number.MAX_SAFE_INTEGER,
      }).changes;
      return { flagged, reopened };
    });
  }

  /** The digest for the moderators' chat after a scan; nothing when the scan found nobody new. */
  digest(result: ScanResult, now: Date): Outbound[] {
    const { staffChat, translator, locale } = this.deps;
    if (result.flagged + result.reopened === 0) return [];
    if (!staffChat) {
      this.deps.logger.warn({ ...result }, 'quiet members flagged, but staff.chat is not configured for the digest');
      return [];
    }
    const open = this.openCount();
    const top = this.queue(now, 1).rows;
    const t = (key: string, params?: Parameters<Translator['t']>[2]) => translator.t(locale, key, params);
    const body = joinLines([
      t('quiet.digest', { new: result.flagged + result.reopened, open }),
      ...top.map((f) => this.row(f, now, locale)),
      t('quiet.digest_hint'),
    ]);
    return [{ type: 'send', chat: parseChatKey(staffChat), body }];
  }

  openCount(): number {
    return (this.deps.db.sqlite.prepare(`SELECT COUNT(*) AS n FROM quiet_flags WHERE status = 'open'`).get() as { n: number }).n;
  }

  /** Open flags, highest current risk first (high-value members first among equals), one page. */
  queue(now: Date, page: number): { rows: FlagRow[]; page: number; pages: number; open: number } {
    const size = this.deps.config.pageSize;
    const open = this.openCount();
    const pages = Math.max(1, Math.ceil(open / size));
    const p = Math.min(Math.max(1, page), pages);
    // The page is cut from the flags alone and only its rows are joined to their names: joining
    // every open flag before sorting cost 1.5 s of the digest after a first scan of a million members.
    const order = `ORDER BY ${CURRENT_RISK} DESC, f.high_value DESC, f.id`;
    const rows = this.deps.db.sqlite
      .prepare(
        `SELECT ${FLAG_COLUMNS} FROM (SELECT * FROM quiet_flags f WHERE f.status = 'open' ${order} LIMIT @size OFFSET @offset) f
         JOIN members m ON m.id = f.member_id ${order}`,
      )
      .all({ now: now.getTime(), size, offset: (p - 1) * size }) as FlagRow[];
    return { rows, page: p, pages, open };
  }

  /** A member's flags, newest first, at most `limit`. */
  flagsOf(memberId: number, limit: number): FlagRow[] {
    return this.deps.db.sqlite
      .prepare(`SELECT ${FLAG_COLUMNS} FROM quiet_flags f JOIN members m ON m.id = f.member_id WHERE f.member_id = ? ORDER BY f.quiet_since DESC LIMIT ?`)
      .all(memberId, limit) as FlagRow[];
  }

  get(id: number): FlagRow | undefined {
    return this.byIdQ.get(id) as FlagRow | undefined;
  }

  private mustGet(id: number): FlagRow {
    const flag = this.get(id);
    if (!flag) throw new UserError('quiet.not_found', { id });
    return flag;
  }

  private mustBeReviewable(flag: FlagRow, locale: Locale): void {
    if (flag.status !== 'open' && flag.status !== 'snoozed') {
      throw new UserError('quiet.not_reviewable', { id: flag.id, status: this.deps.translator.text(locale, `quiet.status.${flag.status}`) });
    }
  }

  /** A/B: a template picked by a hash of the flag id, so a replayed run assigns the same one. */
  pickTemplate(flagId: number): string {
    const { templates } = this.deps.config;
    return templates[fnv1a(`flag:${flagId}`) % templates.length]!;
  }

  /**
   * Recalls a flagged member: a DM from the template (named, or A/B assigned), mentioning them in
   * their group if the platform refuses the DM; a moderator task where there is neither. Records
   * and audits the recall. Returns what to send after the transaction commits.
   */
  recall(id: number, actor: { memberId: number; locale: Locale }, at: Date, template?: string): Outbound[] {
    const { config, members, points, translator, audit, db } = this.deps;
    const flag = this.mustGet(id);
    this.mustBeReviewable(flag, actor.locale);
    if (template !== undefined && !config.templates.includes(template)) {
      throw new UserError('quiet.unknown_template', { template, templates: config.templates.join(', ') });
    }
    const chosen = template ?? this.pickTemplate(flag.id);
    const target = members.dmTarget(flag.memberId, this.deps.staffChat);
    const locale = target?.locale ?? this.deps.locale;
    const bonus = config.comebackBonus;
    const text = translator.t(locale, `quiet.recall.${chosen}`, {
      name: flag.name,
      streak: flag.streakLost,
      balance: points.standing(flag.memberId).balance,
      offer: bonus > 0 ? translator.t(locale, 'quiet.offer', { bonus, days: config.comebackWindowDays }) : '',
    });
    const via = target ? 'dm' : 'task';
    db.sqlite
      .prepare(
        `UPDATE quiet_flags SET status = 'recalled', recall_template = @template, recalled_at = @at, recalled_by = @by, recall_via = @via,
           recall_chat = @chat, bonus = @bonus, reviewed_by = @by, reviewed_at = @at, snoozed_until = NULL WHERE id = @id`,
      )
      .run({ id, template: chosen, at: at.getTime(), by: actor.memberId, via, chat: target?.fallbackChat ? `${target.fallbackChat.platform}:${target.fallbackChat.chatId}` : null, bonus });
    audit.record({ at, actorMemberId: actor.memberId, action: 'flag.recall', targetMemberId: flag.memberId, detail: { flag: id, template: chosen, via, bonus } });
    if (!target) return this.task(id, flag.memberId, flag.name, 'no identity', text);
    const out: Outbound = { type: 'dm', user: target.user, name: target.name, body: text, ...(target.fallbackChat ? { fallbackChat: target.fallbackChat } : {}) };
    // The origin is stored with the outbox message, so a recall that fails days later (a bulk
    // recall spread over a daily cap, a restart in between) still becomes a moderator task.
    return [tagOutbound(out, { origin: `${RECALL_ORIGIN}${id}` })];
  }

  /**
   * The router's report of a message that could not be delivered. A recall DM with no group to
   * fall back to becomes a task in the moderators' chat (never a silent no-op).
   */
  undeliverable(failed: UndeliverableMessage): Outbound[] {
    const origin = failed.origin ?? tagOf(failed.out).origin;
    if (!origin?.startsWith(RECALL_ORIGIN) || failed.out.type !== 'dm') return [];
    const id = Number(origin.slice(RECALL_ORIGIN.length));
    const flag = this.get(id);
    if (!flag) return [];
    this.deps.db.transaction(() => this.deps.db.sqlite.prepare(`UPDATE quiet_flags SET recall_via = 'task' WHERE id = ?`).run(id));
    return this.task(id, flag.memberId, flag.name, failed.error, failed.out.body);
  }

  private task(id: number, memberId: number, name: string, why: string, text: Body): Outbound[] {
    const { staffChat, translator, locale } = this.deps;
    if (!staffChat) {
      this.deps.logger.error({ flag: id, memberId, why }, 'recall could not be delivered and staff.chat is not configured: follow up by hand');
      return [];
    }
    const target = this.deps.members.target(memberId);
    const who = target ? seg.mention(target.user, name) : seg.text(name);
    return [{ type: 'send', chat: parseChatKey(staffChat), body: translator.t(locale, 'quiet.task', { id, member: who, why, text }) }];
  }

  /**
   * Active high-value flags newer than `afterId`, oldest first: the members to contact one to one
   * (the feedback feature turns each into one follow-up task).
   */
  highValueFlagsAfter(afterId: number): { id: number; memberId: number; flaggedAt: number }[] {
    return this.deps.db.sqlite
      .prepare(`SELECT id, member_id AS memberId, flagged_at AS flaggedAt FROM quiet_flags WHERE id > ? AND high_value = 1 AND status IN ('open', 'snoozed', 'recalled') ORDER BY id LIMIT 500`)
      .all(afterId) as { id: number; memberId: number; flaggedAt: number }[];
  }

  /** Puts a flag aside for `days`; the scan brings it back if the member is still quiet. Audited. */
  snooze(id: number, actor: { memberId: number; locale: Locale }, days: number, at: Date): Date {
    const flag = this.mustGet(id);
    this.mustBeReviewable(flag, actor.locale);
    const until = new Date(at.getTime() + days * DAY_MS);
    this.deps.db.sqlite
      .prepare(`UPDATE quiet_flags SET status = 'snoozed', snoozed_until = @until, reviewed_by = @by, reviewed_at = @at WHERE id = @id`)
      .run({ id, until: until.getTime(), by: actor.memberId, at: at.getTime() });
    this.deps.audit.record({ at, actorMemberId: actor.memberId, action: 'flag.snooze', targetMemberId: flag.memberId, detail: { flag: id, days } });
    return until;
  }

  /** Closes a flag without a recall; the member is not flagged again until a new quiet spell. Audited. */
  dismiss(id: number, actor: { memberId: number; locale: Locale }, note: string | undefined, at: Date): void {
    const flag = this.mustGet(id);
    this.mustBeReviewable(flag, actor.locale);
    this.deps.db.sqlite
      .prepare(`UPDATE quiet_flags SET status = 'dismissed', note = @note, snoozed_until = NULL, reviewed_by = @by, reviewed_at = @at WHERE id = @id`)
      .run({ id, note: note ?? null, by: actor.memberId, at: at.getTime() });
    this.deps.audit.record({ at, actorMemberId: actor.memberId, action: 'flag.dismiss', targetMemberId: flag.memberId, detail: { flag: id }, reason: note ?? null });
  }

  /** Every open flag, highest risk first: what `/flags recall-all` would recall. */
  private allOpen(now: Date): FlagRow[] {
    return this.deps.db.sqlite
      .prepare(`SELECT ${FLAG_COLUMNS} FROM quiet_flags f JOIN members m ON m.id = f.member_id WHERE f.status = 'open' ORDER BY ${CURRENT_RISK} DESC, f.high_value DESC, f.id`)
      .all({ now: now.getTime() }) as FlagRow[];
  }

  /**
   * The dry run of a bulk recall: the open flags it would recall and a confirmation code that
   * names exactly that set, so a queue that changed in between is not recalled blind.
   */
  recallAllPlan(now: Date): { flags: FlagRow[]; code: string } {
    const flags = this.allOpen(now);
    return { flags, code: confirmationCode(flags.map((f) => f.id)) };
  }

  /** Recalls every open flag if `code` still matches the dry run's set. */
  recallAll(code: string, actor: { memberId: number; locale: Locale }, at: Date): Outbound[] {
    const plan = this.recallAllPlan(at);
    if (plan.flags.length === 0) throw new UserError('quiet.bulk_empty');
    if (plan.code !== code.toLowerCase()) throw new UserError('quiet.bulk_stale');
    // Bulk: behind members' replies, and spread out by daily caps where the platform has them.
    return plan.flags.flatMap((f) => this.recall(f.id, actor, at)).map((out) => (out.type === 'dm' ? tagOutbound(out, { cls: 'bulk' }) : out));
  }

  /**
   * An interaction was recorded (the members feature's activity hook, same transaction): the
   * member's active flag — and a dismissed one from the same spell, for the baseline — records
   * the return; a check-in within the comeback window after a recall pays the bonus once.
   */
  noteActivity(note: ActivityNote): void {
    const at = note.at.getTime();
    this.returnQ.run({ memberId: note.memberId, at, via: note.field });
    if (note.field !== 'checkins') return;
    // The same event's message was recorded first (a `/checkin` is a message too); the check-in is the better "how".
    this.viaCheckinQ.run({ memberId: note.memberId, at });
    const due = this.bonusDueQ.get({ memberId: note.memberId, at, windowMs: this.deps.config.comebackWindowDays * DAY_MS }) as { id: number; bonus: number } | undefined;
    if (!due) return;
    this.deps.points.credit({ memberId: note.memberId, delta: due.bonus, reason: 'comeback', sourceKey: `flag:${due.id}`, at: note.at });
    this.bonusPaidQ.run(at, due.id);
  }

  /** Sent, returned within each outcome window and return rate, per template and per tier, with the unrecalled baseline. */
  stats(): RecallStats {
    const windows = this.deps.config.outcomeDays;
    const cols = windows.map((d, i) => `SUM(CASE WHEN returned_at IS NOT NULL AND returned_at - START <= ${d * DAY_MS} THEN 1 ELSE 0 END) AS w${i}`).join(', ');
    const recalled = cols.replaceAll('START', 'recalled_at');
    const run = (sql: string): OutcomeRow[] =>
      (this.deps.db.sqlite.prepare(sql).all() as Record<string, number | string>[]).map((r) => {
        const sent = Number(r.sent);
        const returned = windows.map((_, i) => Number(r[`w${i}`] ?? 0));
        return { key: String(r.key), sent, returned, rate: returned.map((n) => (sent === 0 ? 0 : n / sent)) };
      });
    const from = 'FROM quiet_flags WHERE recalled_at IS NOT NULL';
    const total = run(`SELECT 'all' AS key, COUNT(*) AS sent, ${recalled} ${from}`)[0]!;
    return {
      windows,
      total,
      byTemplate: run(`SELECT recall_template AS key, COUNT(*) AS sent, ${recalled} ${from} GROUP BY recall_template ORDER BY recall_template`),
      byTier: run(`SELECT tier AS key, COUNT(*) AS sent, ${recalled} ${from} GROUP BY tier ORDER BY tier`),
      baseline: run(`SELECT 'baseline' AS key, COUNT(*) AS sent, ${cols.replaceAll('START', 'flagged_at')} FROM quiet_flags WHERE recalled_at IS NULL`)[0]!,
    };
  }

  /** One line of a list: id, name, days quiet now, usual gap, risk, high-value mark. */
  row(f: FlagRow, now: Date, locale: Locale): Body {
    const t = (key: string, params?: Parameters<Translator['t']>[2]) => this.deps.translator.t(locale, key, params);
    return t('quiet.row', {
      id: f.id,
      name: f.name,
      days: Math.floor((now.getTime() - f.quietSince) / DAY_MS),
      gap: f.usualGapDays === null ? t('quiet.gap_none') : t('quiet.gap', { days: round1(f.usualGapDays) }),
      risk: round1((now.getTime() - f.quietSince) / DAY_MS / f.baselineDays),
      vip: f.highValue ? t('quiet.vip') : '',
    });
  }

  /** The flag card: the whole risk explanation, the review and the outcome. */
  card(f: FlagRow, now: Date, locale: Locale): Body {
    const { translator, tiers, timeZone } = this.deps;
    const t = (key: string, params?: Parameters<Translator['t']>[2]) => translator.t(locale, key, params);
    const day = (ms: number) => localDay(new Date(ms), timeZone);
    const target = this.deps.members.target(f.memberId);
    const firstSeen = this.deps.members.firstSeenAt(f.memberId);
    const stageNow = firstSeen === null ? f.stage : stageAt(firstSeen, now.getTime());
    const lines: Body[] = [
      t('quiet.card', {
        id: f.id,
        member: target ? seg.mention(target.user, f.name) : f.name,
        status: t(`quiet.status.${f.status}`),
        days: Math.floor((now.getTime() - f.quietSince) / DAY_MS),
        since: day(f.quietSince),
        gap: f.usualGapDays === null ? t('quiet.gap_none') : t('quiet.gap', { days: round1(f.usualGapDays) }),
        active: f.activeDays,
        streak: f.streakLost,
        balance: f.balance,
        lifetime: f.lifetime,
        tier: tiers.name(f.tier, locale),
        // The stage now, like the days quiet: the one stored is the stage the member was flagged in.
        stage: t(`quiet.stage.${stageNow}`),
        risk: round1((now.getTime() - f.quietSince) / DAY_MS / f.baselineDays),
      }),
    ];
    if (f.highValue) lines.push(t('quiet.card_vip'));
    if (f.snoozedUntil !== null) lines.push(t('quiet.card_snoozed', { until: day(f.snoozedUntil) }));
    if (f.note) lines.push(t('quiet.card_note', { note: f.note }));
    if (f.recalledAt !== null) {
      lines.push(t('quiet.card_recall', { at: day(f.recalledAt), template: f.recallTemplate ?? '-', via: t(`quiet.via.${f.recallVia ?? 'dm'}`), bonus: f.bonus }));
    }
    if (f.returnedAt !== null) lines.push(t('quiet.card_returned', { at: day(f.returnedAt), how: f.returnedVia ?? '-' }));
    // Review buttons where the platform shows them: each runs `/flag <id> …` with the presser's role.
    const buttons =
      f.status === 'open'
        ? [
            seg.action(translator.text(locale, 'choice.review.recall'), 'flag', `${f.id} recall`, 'primary'),
            seg.action(translator.text(locale, 'choice.review.snooze'), 'flag', `${f.id} snooze 7`),
            seg.action(translator.text(locale, 'choice.review.dismiss'), 'flag', `${f.id} dismiss`, 'danger'),
          ]
        : [];
    return [...joinLines(lines), ...buttons];
  }

  /**
   * Every flag with its risk fields and recall outcome, for `export`. A recall's `outcome` is
   * `returned` (within the longest window), `pending` (window still open at `now`) or `not_returned`.
   */
  exportAll(now: Date): unknown[] {
    const rows = this.deps.db.sqlite.prepare(`SELECT ${FLAG_COLUMNS} FROM quiet_flags f JOIN members m ON m.id = f.member_id ORDER BY f.id`).all() as FlagRow[];
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const windows = this.deps.config.outcomeDays;
    const longest = Math.max(...windows) * DAY_MS;
    const outcome = (f: FlagRow, recalledAt: number) =>
      f.returnedAt !== null && f.returnedAt - recalledAt <= longest ? 'returned' : now.getTime() < recalledAt + longest && f.returnedAt === null ? 'pending' : 'not_returned';
    return rows.map((f) => ({
      id: f.id,
      member: f.memberId,
      name: f.name,
      status: f.status,
      flaggedAt: iso(f.flaggedAt),
      quietSince: iso(f.quietSince),
      risk: {
        daysQuiet: f.daysQuiet,
        usualGapDays: f.usualGapDays === null ? null : round1(f.usualGapDays),
        activeDays: f.activeDays,
        streakLost: f.streakLost,
        balance: f.balance,
        lifetime: f.lifetime,
        tier: f.tier,
        stage: f.stage,
        highValue: Boolean(f.highValue),
        score: round1(f.risk),
      },
      review: { by: f.reviewedBy, at: iso(f.reviewedAt), snoozedUntil: iso(f.snoozedUntil), note: f.note },
      recall:
        f.recalledAt === null
          ? null
          : {
              template: f.recallTemplate,
              at: iso(f.recalledAt),
              by: f.recalledBy,
              via: f.recallVia,
              fallbackChat: f.recallChat,
              bonus: f.bonus,
              bonusPaidAt: iso(f.bonusPaidAt),
              outcome: outcome(f, f.recalledAt),
              returned: Object.fromEntries(windows.map((d) => [`${d}d`, f.returnedAt !== null && f.returnedAt - f.recalledAt! <= d * DAY_MS])),
            },
      returnedAt: iso(f.returnedAt),
      returnedVia: f.returnedVia,
    }));
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** 32-bit FNV-1a: a stable, well-spread hash for A/B assignment and confirmation codes. */
function fnv1a(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** A short code naming a set of flag ids. */
function confirmationCode(ids: readonly number[]): string {
  return fnv1a(ids.join(',')).toString(36).padStart(6, '0').slice(-6);
}

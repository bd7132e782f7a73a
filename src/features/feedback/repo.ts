import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, notExists, sql } from 'drizzle-orm';
import type { Orm } from '../../db/open.ts';
import {
  feedbackDigests,
  feedbackDrafts,
  feedbackEvents,
  feedbackReminders,
  feedbackTags,
  feedbackTickets,
  staffTasks,
  type Decision,
  type FollowUpOutcome,
} from './schema.ts';

export type TicketRow = typeof feedbackTickets.$inferSelect;
export type TicketInsert = typeof feedbackTickets.$inferInsert;
export type TicketEventRow = typeof feedbackEvents.$inferSelect;
export type TaskRow = typeof staffTasks.$inferSelect;
export type DraftRow = typeof feedbackDrafts.$inferSelect;

/** Which tickets a staff list shows. */
export type TicketFilter = { readonly kind: 'open' } | { readonly kind: 'mine'; readonly memberId: number } | { readonly kind: 'overdue'; readonly now: number } | { readonly kind: 'suggestions' };

/** The feedback feature's queries; the service holds the rules. */
export class FeedbackRepo {
  constructor(private readonly orm: Orm) {}

  insertTicket(row: TicketInsert): TicketRow {
    return this.orm.insert(feedbackTickets).values(row).returning().get();
  }

  ticket(id: number): TicketRow | undefined {
    return this.orm.select().from(feedbackTickets).where(eq(feedbackTickets.id, id)).get();
  }

  ticketBySource(sourceKey: string): TicketRow | undefined {
    return this.orm.select().from(feedbackTickets).where(eq(feedbackTickets.sourceKey, sourceKey)).get();
  }

  updateTicket(id: number, set: Partial<TicketInsert>): void {
    this.orm.update(feedbackTickets).set(set).where(eq(feedbackTickets.id, id)).run();
  }

  /** Records the first response if there was none yet; true when this was it. */
  markFirstResponse(id: number, at: number, by: number, minutes: number): boolean {
    return (
      this.orm
        .update(feedbackTickets)
        .set({ firstResponseAt: at, firstResponseBy: by, responseMinutes: minutes })
        .where(and(eq(feedbackTickets.id, id), isNull(feedbackTickets.firstResponseAt)))
        .run().changes === 1
    );
  }

  addEvent(ticketId: number, at: number, actorId: number | null, kind: string, text: string | null = null): void {
    this.orm.insert(feedbackEvents).values({ ticketId, at, actorId, kind, text }).run();
  }

  events(ticketId: number): TicketEventRow[] {
    return this.orm.select().from(feedbackEvents).where(eq(feedbackEvents.ticketId, ticketId)).orderBy(asc(feedbackEvents.id)).all();
  }

  addTag(ticketId: number, tag: string): void {
    this.orm.insert(feedbackTags).values({ ticketId, tag }).onConflictDoNothing().run();
  }

  tags(ticketId: number): string[] {
    return this.orm.select({ tag: feedbackTags.tag }).from(feedbackTags).where(eq(feedbackTags.ticketId, ticketId)).orderBy(feedbackTags.tag).all().map((r) => r.tag);
  }

  /** A member's newest tickets. */
  ofMember(memberId: number, limit: number): TicketRow[] {
    return this.orm.select().from(feedbackTickets).where(eq(feedbackTickets.memberId, memberId)).orderBy(desc(feedbackTickets.id)).limit(limit).all();
  }

  /** A staff list, soonest deadline first. */
  list(filter: TicketFilter, limit: number): TicketRow[] {
    const t = feedbackTickets;
    const where =
      filter.kind === 'open'
        ? eq(t.status, 'open')
        : filter.kind === 'mine'
          ? and(inArray(t.status, ['open', 'answered']), eq(t.assigneeId, filter.memberId))
          : filter.kind === 'overdue'
            ? and(eq(t.status, 'open'), isNull(t.firstResponseAt), lt(t.dueAt, filter.now))
            : and(eq(t.kind, 'suggestion'), isNull(t.decision), inArray(t.status, ['open', 'answered']));
    return this.orm.select().from(t).where(where).orderBy(asc(t.dueAt), asc(t.id)).limit(limit).all();
  }

  /** Every ticket created or answered inside `[from, to)` (all when omitted), for the figures. */
  forFigures(from?: number, to?: number): TicketRow[] {
    const t = feedbackTickets;
    const where = from === undefined || to === undefined ? undefined : and(gte(t.createdAt, from), lt(t.createdAt, to));
    return this.orm.select().from(t).where(where).all();
  }

  countOpen(): { open: number; overdue: (now: number) => number } {
    const t = feedbackTickets;
    const open = this.orm.select({ n: sql<number>`COUNT(*)` }).from(t).where(inArray(t.status, ['open'])).get()?.n ?? 0;
    return {
      open,
      overdue: (now) => this.orm.select({ n: sql<number>`COUNT(*)` }).from(t).where(and(eq(t.status, 'open'), isNull(t.firstResponseAt), lt(t.dueAt, now))).get()?.n ?? 0,
    };
  }

  /** Suggestions done inside `[from, to)`, oldest decision first. */
  doneBetween(from: number, to: number): TicketRow[] {
    const t = feedbackTickets;
    return this.orm
      .select()
      .from(t)
      .where(and(eq(t.kind, 'suggestion'), eq(t.decision, 'done' satisfies Decision), gte(t.decidedAt, from), lt(t.decidedAt, to)))
      .orderBy(asc(t.decidedAt), asc(t.id))
      .all();
  }

  countSuggestions(from: number, to: number): { received: number; done: number; planned: number; declined: number } {
    const t = feedbackTickets;
    const received = this.orm.select({ n: sql<number>`COUNT(*)` }).from(t).where(and(eq(t.kind, 'suggestion'), gte(t.createdAt, from), lt(t.createdAt, to))).get()?.n ?? 0;
    const decided = this.orm
      .select({ d: t.decision, n: sql<number>`COUNT(*)` })
      .from(t)
      .where(and(eq(t.kind, 'suggestion'), isNotNull(t.decision), gte(t.decidedAt, from), lt(t.decidedAt, to)))
      .groupBy(t.decision)
      .all();
    const n = (d: Decision) => decided.find((r) => r.d === d)?.n ?? 0;
    return { received, done: n('done'), planned: n('planned'), declined: n('declined') };
  }

  /** Tickets and tasks whose reminder or deadline has come and whose reminder of that stage is not recorded. */
  dueTickets(stage: 'remind' | 'overdue', now: number): TicketRow[] {
    const t = feedbackTickets;
    const r = feedbackReminders;
    const at = stage === 'remind' ? t.remindAt : t.dueAt;
    return this.orm
      .select()
      .from(t)
      .where(
        and(
          eq(t.status, 'open'),
          isNull(t.firstResponseAt),
          lte(at, now),
          notExists(this.orm.select({ x: sql`1` }).from(r).where(and(eq(r.subject, 'ticket'), eq(r.subjectId, t.id), eq(r.stage, stage)))),
        ),
      )
      .orderBy(asc(at), asc(t.id))
      .all();
  }

  dueTasks(stage: 'remind' | 'overdue', now: number): TaskRow[] {
    const k = staffTasks;
    const r = feedbackReminders;
    const at = stage === 'remind' ? k.remindAt : k.dueAt;
    return this.orm
      .select()
      .from(k)
      .where(
        and(
          eq(k.status, 'open'),
          lte(at, now),
          notExists(this.orm.select({ x: sql`1` }).from(r).where(and(eq(r.subject, 'task'), eq(r.subjectId, k.id), eq(r.stage, stage)))),
        ),
      )
      .orderBy(asc(at), asc(k.id))
      .all();
  }

  /** The earliest unrecorded reminder and deadline of open, unanswered tickets and of open tasks. */
  nextDeadlines(): (number | null)[] {
    const t = feedbackTickets;
    const k = staffTasks;
    const r = feedbackReminders;
    const pending = (subject: 'ticket' | 'task', id: typeof t.id | typeof k.id, stage: 'remind' | 'overdue') =>
      notExists(this.orm.select({ x: sql`1` }).from(r).where(and(eq(r.subject, subject), eq(r.subjectId, id), eq(r.stage, stage))));
    const openTicket = and(eq(t.status, 'open'), isNull(t.firstResponseAt));
    return [
      this.orm.select({ m: sql<number | null>`MIN(${t.remindAt})` }).from(t).where(and(openTicket, pending('ticket', t.id, 'remind'))).get()?.m ?? null,
      this.orm.select({ m: sql<number | null>`MIN(${t.dueAt})` }).from(t).where(and(openTicket, pending('ticket', t.id, 'overdue'))).get()?.m ?? null,
      this.orm.select({ m: sql<number | null>`MIN(${k.remindAt})` }).from(k).where(and(eq(k.status, 'open'), pending('task', k.id, 'remind'))).get()?.m ?? null,
      this.orm.select({ m: sql<number | null>`MIN(${k.dueAt})` }).from(k).where(and(eq(k.status, 'open'), pending('task', k.id, 'overdue'))).get()?.m ?? null,
    ];
  }

  /** Claims one reminder; false when it was claimed before (a double fire, a restart). */
  claimReminder(subject: 'ticket' | 'task', subjectId: number, stage: 'remind' | 'overdue', at: number, status: 'sent' | 'skipped'): boolean {
    return this.orm.insert(feedbackReminders).values({ subject, subjectId, stage, at, status }).onConflictDoNothing().run().changes === 1;
  }

  reminders(subject: 'ticket' | 'task', subjectId: number): (typeof feedbackReminders.$inferSelect)[] {
    const r = feedbackReminders;
    return this.orm.select().from(r).where(and(eq(r.subject, subject), eq(r.subjectId, subjectId))).orderBy(asc(r.at)).all();
  }

  draft(memberId: number): DraftRow | undefined {
    return this.orm.select().from(feedbackDrafts).where(eq(feedbackDrafts.memberId, memberId)).get();
  }

  saveDraft(row: DraftRow): void {
    this.orm
      .insert(feedbackDrafts)
      .values(row)
      .onConflictDoUpdate({ target: feedbackDrafts.memberId, set: { text: row.text, chatKey: row.chatKey, messageId: row.messageId, sourceKey: row.sourceKey, at: row.at } })
      .run();
  }

  dropDraft(memberId: number): void {
    this.orm.delete(feedbackDrafts).where(eq(feedbackDrafts.memberId, memberId)).run();
  }

  /** Creates a follow-up for a flag unless it has one; the new row, or undefined. */
  insertFollowUp(row: typeof staffTasks.$inferInsert): TaskRow | undefined {
    return this.orm.insert(staffTasks).values(row).onConflictDoNothing().returning().get();
  }

  task(id: number): TaskRow | undefined {
    return this.orm.select().from(staffTasks).where(eq(staffTasks.id, id)).get();
  }

  taskForFlag(flagId: number): TaskRow | undefined {
    return this.orm.select().from(staffTasks).where(and(eq(staffTasks.kind, 'follow-up'), eq(staffTasks.flagId, flagId))).get();
  }

  /** The newest flag id a follow-up was made for: where the next sync continues. */
  lastFollowedFlag(): number {
    return this.orm.select({ m: sql<number | null>`MAX(${staffTasks.flagId})` }).from(staffTasks).where(eq(staffTasks.kind, 'follow-up')).get()?.m ?? 0;
  }

  updateTask(id: number, set: Partial<typeof staffTasks.$inferInsert>): void {
    this.orm.update(staffTasks).set(set).where(eq(staffTasks.id, id)).run();
  }

  tasks(filter: TicketFilter, limit: number): TaskRow[] {
    const k = staffTasks;
    const where =
      filter.kind === 'mine'
        ? and(eq(k.status, 'open'), eq(k.assigneeId, filter.memberId))
        : filter.kind === 'overdue'
          ? and(eq(k.status, 'open'), lt(k.dueAt, filter.now))
          : eq(k.status, 'open');
    return this.orm.select().from(k).where(where).orderBy(asc(k.dueAt), asc(k.id)).limit(limit).all();
  }

  allTasks(): TaskRow[] {
    return this.orm.select().from(staffTasks).orderBy(asc(staffTasks.id)).all();
  }

  /** Done follow-ups counted by outcome and by churn reason. */
  followUpCounts(): { outcomes: { outcome: FollowUpOutcome; n: number }[]; reasons: { reason: string; n: number }[] } {
    const k = staffTasks;
    const done = and(eq(k.kind, 'follow-up'), eq(k.status, 'done'));
    return {
      outcomes: this.orm.select({ outcome: sql<FollowUpOutcome>`${k.outcome}`, n: sql<number>`COUNT(*)` }).from(k).where(done).groupBy(k.outcome).orderBy(k.outcome).all(),
      reasons: this.orm.select({ reason: sql<string>`${k.reason}`, n: sql<number>`COUNT(*)` }).from(k).where(done).groupBy(k.reason).orderBy(desc(sql`COUNT(*)`), k.reason).all(),
    };
  }

  /** Claims one weekly digest for a chat; false when it was posted before. */
  claimDigest(week: string, chatKey: string, kind: 'public' | 'staff', at: number, body: string): boolean {
    return this.orm.insert(feedbackDigests).values({ week, chatKey, kind, at, body }).onConflictDoNothing().run().changes === 1;
  }

  allTickets(): TicketRow[] {
    return this.orm.select().from(feedbackTickets).orderBy(asc(feedbackTickets.id)).all();
  }

}

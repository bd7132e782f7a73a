import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { members } from '../members/schema.ts';

export const TICKET_KINDS = ['question', 'suggestion'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

/** `open` waits for staff, `answered` has had a response, `closed` is done with. */
export const TICKET_STATUSES = ['open', 'answered', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** What staff decided about a suggestion in the weekly loop. */
export const DECISIONS = ['planned', 'done', 'declined'] as const;
export type Decision = (typeof DECISIONS)[number];

/**
 * A member's question or suggestion. The full text is kept however long it is; the deadline is
 * computed once at creation (business hours from config) and the first response stops the clock.
 * Never deleted: the figures read the history, late answers included.
 */
export const feedbackTickets = sqliteTable(
  'feedback_tickets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    kind: text('kind').$type<TicketKind>().notNull(),
    status: text('status').$type<TicketStatus>().notNull().default('open'),
    text: text('text').notNull(),
    /** The chat the ticket came from (a group or the member's direct chat) and the message there. */
    chatKey: text('chat_key').notNull(),
    messageId: text('message_id'),
    /** The inbound event's key: one event never files two tickets. */
    sourceKey: text('source_key').notNull(),
    /** The member's tier and high-value mark when they wrote. */
    tier: text('tier').notNull(),
    highValue: integer('high_value', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    /** When the response clock started: the creation time, or the next opening when filed outside business hours. */
    clockStartsAt: integer('clock_starts_at').notNull(),
    remindAt: integer('remind_at').notNull(),
    dueAt: integer('due_at').notNull(),
    targetMinutes: integer('target_minutes').notNull(),
    firstResponseAt: integer('first_response_at'),
    firstResponseBy: integer('first_response_by'),
    /** Business minutes from creation to the first response. */
    responseMinutes: integer('response_minutes'),
    assigneeId: integer('assignee_id'),
    decision: text('decision').$type<Decision>(),
    decisionNote: text('decision_note'),
    decidedAt: integer('decided_at'),
    /** The member agreed to be thanked by name in the public digest. */
    creditName: integer('credit_name', { mode: 'boolean' }).notNull().default(false),
    closedAt: integer('closed_at'),
  },
  (t) => [
    uniqueIndex('feedback_tickets_source').on(t.sourceKey),
    index('feedback_tickets_member').on(t.memberId),
    index('feedback_tickets_due').on(t.status, t.remindAt),
    index('feedback_tickets_decided').on(t.decidedAt),
  ],
);

/**
 * Everything that happened to a ticket, in order: staff replies (with their text), closes,
 * reopens, assignments, tags and decisions. The ticket row holds the current state; this is the
 * thread a card shows.
 */
export const feedbackEvents = sqliteTable(
  'feedback_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => feedbackTickets.id),
    at: integer('at').notNull(),
    actorId: integer('actor_id'),
    /** `reply`, `close`, `reopen`, `assign`, `tag`, `planned`, `done`, `declined`, `credit`. */
    kind: text('kind').notNull(),
    text: text('text'),
  },
  (t) => [index('feedback_events_ticket').on(t.ticketId)],
);

/** Free-word tags staff put on tickets (`/ticket <id> tag shipping`). */
export const feedbackTags = sqliteTable(
  'feedback_tags',
  {
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => feedbackTickets.id),
    tag: text('tag').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.tag] })],
);

/** A member's DM or `/feedback` text waiting for them to say whether it is a question or a suggestion. */
export const feedbackDrafts = sqliteTable('feedback_drafts', {
  memberId: integer('member_id')
    .primaryKey()
    .references(() => members.id),
  text: text('text').notNull(),
  chatKey: text('chat_key').notNull(),
  messageId: text('message_id'),
  sourceKey: text('source_key').notNull(),
  at: integer('at').notNull(),
});

export const FOLLOW_UP_OUTCOMES = ['reached', 'no-answer', 'returned'] as const;
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];

/**
 * A task for staff with its own deadline, assigned and reminded like a ticket. Kind `follow-up`:
 * a one-to-one contact with a high-value member who went quiet, one per quiet flag, closed with
 * an outcome and a churn reason.
 */
export const staffTasks = sqliteTable(
  'staff_tasks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    /** The member the task is about. */
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    /** The quiet flag a follow-up comes from. */
    flagId: integer('flag_id'),
    status: text('status').$type<'open' | 'done'>().notNull().default('open'),
    assigneeId: integer('assignee_id'),
    createdAt: integer('created_at').notNull(),
    remindAt: integer('remind_at').notNull(),
    dueAt: integer('due_at').notNull(),
    outcome: text('outcome').$type<FollowUpOutcome>(),
    reason: text('reason'),
    note: text('note'),
    doneAt: integer('done_at'),
    doneBy: integer('done_by'),
  },
  (t) => [uniqueIndex('staff_tasks_flag').on(t.kind, t.flagId), index('staff_tasks_due').on(t.status, t.remindAt)],
);

/**
 * Each deadline reminder (`remind` at the reminder share, `overdue` at the deadline) of a ticket
 * or task, written before it is sent: the primary key is what makes a double fire or a restart
 * remind once.
 */
export const feedbackReminders = sqliteTable(
  'feedback_reminders',
  {
    subject: text('subject').$type<'ticket' | 'task'>().notNull(),
    subjectId: integer('subject_id').notNull(),
    stage: text('stage').$type<'remind' | 'overdue'>().notNull(),
    at: integer('at').notNull(),
    /** `sent`, or `skipped` when the deadline had passed too by the time the reminder came due. */
    status: text('status').notNull(),
  },
  (t) => [primaryKey({ columns: [t.subject, t.subjectId, t.stage] })],
);

/** Each weekly digest per chat (`public` to a group, `staff` to the staff chat), recorded before it is sent: one per week and chat. */
export const feedbackDigests = sqliteTable(
  'feedback_digests',
  {
    /** The Monday (`YYYY-MM-DD`) of the week the digest covers. */
    week: text('week').notNull(),
    chatKey: text('chat_key').notNull(),
    kind: text('kind').$type<'public' | 'staff'>().notNull(),
    at: integer('at').notNull(),
    body: text('body').notNull(),
  },
  (t) => [primaryKey({ columns: [t.week, t.chatKey, t.kind] })],
);

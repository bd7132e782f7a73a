import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** A person. Identities on each platform point at one member; linking merges them. */
export const members = sqliteTable(
  'members',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** Chosen with `/lang`, else learnt from the platform; null means the community default. */
    locale: text('locale'),
    tier: text('tier').notNull(),
    createdAt: integer('created_at').notNull(),
    /** Last interaction (message, check-in, share, reaction) anywhere. */
    lastActiveAt: integer('last_active_at'),
    /** Set when this member was merged into another by linking identities. */
    mergedInto: integer('merged_into'),
    /** When this member was last merged into another: an unlink counts what the identity earned since. */
    mergedAt: integer('merged_at'),
    /** Set when the member's personal data was erased (`/forget`): the row stays as an anonymous tombstone. */
    erasedAt: integer('erased_at'),
  },
  // The tier review reads each tier's members (the keep rules); tier boards filter by it.
  (t) => [index('members_tier').on(t.tier)],
);

/** `(platform, user id)` → member. */
export const identities = sqliteTable(
  'identities',
  {
    platform: text('platform').notNull(),
    userId: text('user_id').notNull(),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    handle: text('handle'),
    name: text('name').notNull(),
    firstSeenAt: integer('first_seen_at').notNull(),
    /**
     * The member the identity was first seen as. A merge moves the identity, never this: an unlink
     * gives the identity back to this member when it was merged away, else to a new one.
     */
    homeMemberId: integer('home_member_id'),
  },
  (t) => [primaryKey({ columns: [t.platform, t.userId] }), index('identities_member').on(t.memberId), index('identities_handle').on(t.platform, t.handle)],
);

/** A member's presence in one group: when they joined (if the platform said), were last active, left. */
export const memberships = sqliteTable(
  'memberships',
  {
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    chatKey: text('chat_key').notNull(),
    joinedAt: integer('joined_at'),
    firstSeenAt: integer('first_seen_at').notNull(),
    lastActiveAt: integer('last_active_at'),
    leftAt: integer('left_at'),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.chatKey] }), index('memberships_chat').on(t.chatKey)],
);

/**
 * Interaction counts per member, group and local day, recorded from the start so retention can be
 * computed later for any cohort.
 */
export const activityDays = sqliteTable(
  'activity_days',
  {
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    chatKey: text('chat_key').notNull(),
    day: text('day').notNull(),
    messages: integer('messages').notNull().default(0),
    checkins: integer('checkins').notNull().default(0),
    shares: integer('shares').notNull().default(0),
    reactions: integer('reactions').notNull().default(0),
  },
  // (day, chat_key, member_id) covers "who was active on this day outside the staff chat", which the
  // nightly rollup, today's open-day figures and the quiet scan ask, without a look-up per row.
  (t) => [primaryKey({ columns: [t.memberId, t.chatKey, t.day] }), index('activity_days_day').on(t.day, t.chatKey, t.memberId)],
);

/** Roles granted with `/role`; config and env grants are not stored here. */
export const memberRoles = sqliteTable('member_roles', {
  memberId: integer('member_id')
    .primaryKey()
    .references(() => members.id),
  role: text('role').notNull(),
  grantedBy: integer('granted_by'),
  grantedAt: integer('granted_at').notNull(),
});

/**
 * Other names a platform knows an identity by (`weixin:<id>`, `remark:<remark>` on WeChat), so a
 * person whose platform id changed (a WeChat re-login) is found again instead of becoming a
 * stranger. Kept current from each event's sender.
 */
export const identityAliases = sqliteTable(
  'identity_aliases',
  {
    platform: text('platform').notNull(),
    userId: text('user_id').notNull(),
    alias: text('alias').notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.userId, t.alias] }), index('identity_aliases_alias').on(t.platform, t.alias)],
);

import type Database from 'better-sqlite3';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Actor, ChatContext, MemberTarget } from '../../core/command.ts';
import { localDay } from '../../core/clock.ts';
import type { Directory } from '../../core/directory.ts';
import type { InboundEvent, Mention, Sender } from '../../core/events.ts';
import { eventActor } from '../../core/events.ts';
import type { Locale, Translator } from '../../core/i18n.ts';
import type { Outbound } from '../../core/outbound.ts';
import { localeFromLanguage } from '../../core/i18n.ts';
import type { ChatRef, Platform, UserRef } from '../../core/ids.ts';
import { parseChatKey, spaceKey, userKey } from '../../core/ids.ts';
import type { Role } from '../../core/roles.ts';
import { atLeast, isRole, strongest } from '../../core/roles.ts';
import type { CommunityConfig, Stage } from '../../config/schema.ts';
import type { Orm } from '../../db/open.ts';
import type { AuditService } from '../audit/index.ts';
import type { GroupService } from '../groups/index.ts';
import type { TierService } from '../tiers/index.ts';
import { IdentityAliasStore, type AliasMatch } from './aliases.ts';
import { identities, memberRoles, members, memberships } from './schema.ts';

export type MemberRow = typeof members.$inferSelect;

/** The kinds of interaction counted per member, group and local day. */
export type ActivityField = 'messages' | 'checkins' | 'shares' | 'reactions';

/** One interaction, as `recordActivity` saw it; observers run inside the caller's transaction. */
export interface ActivityNote {
  readonly memberId: number;
  readonly chatKey: string;
  readonly field: ActivityField;
  readonly at: Date;
}

/** Where a DM to a member goes, and the group to mention them in if the DM is refused. */
/** Lifecycle stages by days since the member was first seen: new below 8 days, growing below 31, then established. */
export const STAGE_DAYS = { new: 8, growing: 31 } as const;

/** The member's lifecycle stage at `now` (ms), from the start of their tenure (`firstSeen`, ms). */
export function stageAt(firstSeen: number, now: number): Stage {
  const days = (now - firstSeen) / 86_400_000;
  return days < STAGE_DAYS.new ? 'new' : days < STAGE_DAYS.growing ? 'growing' : 'established';
}

export interface DmTarget {
  readonly user: UserRef;
  readonly name: string;
  readonly locale: Locale;
  /** Their most recently active group on the identity's platform (not left), if any. */
  readonly fallbackChat?: ChatRef;
}

export interface MembersServiceDeps {
  readonly orm: Orm;
  readonly config: CommunityConfig;
  readonly groups: GroupService;
  readonly tiers: TierService;
  readonly audit: AuditService;
  /** Identity keys (`telegram:42`) that are owners, from `BOT_OWNERS`. */
  readonly owners: ReadonlySet<string>;
  /** For the staff chat's notice when an unknown id matches several people by alias; no notice without it. */
  readonly translator?: Translator;
}

/**
 * Who is who: members, their platform identities, group memberships, roles and daily activity.
 * Implements the dispatcher's Directory.
 */
export class MembersService implements Directory {
  private readonly configRoles = new Map<string, Role>();
  /**
   * The per-event statements, prepared once: `enter` runs for every inbound event, and building
   * the same drizzle query again for each one cost more than SQLite itself (see `npm run bench`).
   */
  private readonly q: {
    readonly byIdentity: Database.Statement<[string, string]>;
    readonly member: Database.Statement<[number]>;
    readonly renameIdentity: Database.Statement<[string, string | null, string, string]>;
    readonly rebindIdentity: Database.Statement<[string, string, string]>;
    readonly renameMember: Database.Statement<[string, number]>;
    readonly setLocale: Database.Statement<[string, number]>;
    readonly setTier: Database.Statement<[string, number]>;
    readonly insertMember: Database.Statement<[string, string | null, string, number]>;
    readonly insertIdentity: Database.Statement<[string, string, number, string | null, string, number, number]>;
    readonly joined: Database.Statement<{ m: number; k: string; at: number }>;
    readonly left: Database.Statement<{ m: number; k: string; at: number }>;
    readonly interacted: Database.Statement<{ m: number; k: string; at: number }>;
    readonly leftSpace: Database.Statement<{ m: number; s: string; at: number }>;
    readonly activity: Record<ActivityField, Database.Statement<[number, string, string]>>;
    readonly touch: Database.Statement<{ m: number; at: number }>;
    readonly identityKeys: Database.Statement<[number]>;
    readonly grantedRole: Database.Statement<[number]>;
    readonly identitiesOf: Database.Statement<[number]>;
    readonly groupsByRecency: Database.Statement<[number, string]>;
  };
  private readonly activityObservers: ((note: ActivityNote) => void)[] = [];
  private readonly aliases: IdentityAliasStore;
  /** Identities whose alias matched several people, found by `identify` and told by `enter`. */
  private ambiguous: { person: Pick<Sender, 'user' | 'name'>; memberId: number; matches: readonly AliasMatch[] }[] = [];

  constructor(private readonly deps: MembersServiceDeps) {
    const { roles } = deps.config;
    for (const k of roles.moderators) this.configRoles.set(k, 'moderator');
    for (const k of roles.operators) this.configRoles.set(k, 'operator');
    for (const k of roles.owners) this.configRoles.set(k, 'owner');
    for (const k of deps.owners) this.configRoles.set(k, 'owner');
    const s = deps.orm.$client;
    this.aliases = new IdentityAliasStore(s);
    const memberColumns = 'm.id AS id, m.name AS name, m.locale AS locale, m.tier AS tier, m.created_at AS createdAt, m.last_active_at AS lastActiveAt, m.merged_into AS mergedInto, m.merged_at AS mergedAt, m.erased_at AS erasedAt';
    const membership = (values: string, set: string) =>
      s.prepare<{ m: number; k: string; at: number }>(
        `INSERT INTO memberships (member_id, chat_key, joined_at, first_seen_at, last_active_at, left_at) VALUES (@m, @k, ${values})
         ON CONFLICT (member_id, chat_key) DO UPDATE SET ${set}`,
      );
    const activity = (field: string) =>
      s.prepare<[number, string, string]>(
        `INSERT INTO activity_days (member_id, chat_key, day, ${field}) VALUES (?, ?, ?, 1)
         ON CONFLICT (member_id, chat_key, day) DO UPDATE SET ${field} = ${field} + 1`,
      );
    this.q = {
      byIdentity: s.prepare(
        `SELECT ${memberColumns}, i.name AS identityName, i.handle AS identityHandle FROM identities i JOIN members m ON m.id = i.member_id
         WHERE i.platform = ? AND i.user_id = ?`,
      ),
      member: s.prepare(`SELECT ${memberColumns} FROM members m WHERE m.id = ?`),
      renameIdentity: s.prepare('UPDATE identities SET name = ?, handle = ? WHERE platform = ? AND user_id = ?'),
      rebindIdentity: s.prepare('UPDATE identities SET user_id = ? WHERE platform = ? AND user_id = ?'),
      renameMember: s.prepare('UPDATE members SET name = ? WHERE id = ?'),
      setLocale: s.prepare('UPDATE members SET locale = ? WHERE id = ?'),
      setTier: s.prepare('UPDATE members SET tier = ? WHERE id = ?'),
      insertMember: s.prepare('INSERT INTO members (name, locale, tier, created_at) VALUES (?, ?, ?, ?)'),
      insertIdentity: s.prepare('INSERT INTO identities (platform, user_id, member_id, handle, name, first_seen_at, home_member_id) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      joined: membership('@at, @at, NULL, NULL', 'joined_at = @at, left_at = NULL'),
      left: membership('NULL, @at, NULL, @at', 'left_at = @at'),
      interacted: membership('NULL, @at, @at, NULL', 'last_active_at = MAX(COALESCE(last_active_at, @at), @at), left_at = NULL'),
      leftSpace: s.prepare(
        'UPDATE memberships SET left_at = @at WHERE member_id = @m AND left_at IS NULL AND chat_key IN (SELECT chat_key FROM groups WHERE space = @s)',
      ),
      activity: { messages: activity('messages'), checkins: activity('checkins'), shares: activity('shares'), reactions: activity('reactions') },
      // Activity times only move forward: a late or old-stamped event (a redelivered reaction, a
      // platform's backlog) must not make an active member look quiet.
      touch: s.prepare('UPDATE members SET last_active_at = @at WHERE id = @m AND (last_active_at IS NULL OR last_active_at < @at)'),
      identityKeys: s.prepare("SELECT platform || ':' || user_id AS k FROM identities WHERE member_id = ?"),
      grantedRole: s.prepare('SELECT role FROM member_roles WHERE member_id = ?'),
      // dmTarget runs for every message a job sends a member (tier reviews, recalls).
      identitiesOf: s.prepare('SELECT platform, user_id AS userId FROM identities WHERE member_id = ? ORDER BY first_seen_at, platform'),
      groupsByRecency: s.prepare(
        `SELECT chat_key AS chatKey FROM memberships WHERE member_id = ? AND left_at IS NULL AND chat_key <> ?
         ORDER BY COALESCE(last_active_at, joined_at, first_seen_at) DESC`,
      ),
    };
  }

  enter(event: InboundEvent): { actor: Actor; chat: ChatContext; notices?: Outbound[] } {
    const { groups, tiers } = this.deps;
    const at = event.at.getTime();
    const person = eventActor(event);
    const group = event.chatKind === 'group' ? groups.ensure(event.chat, event.at, event.chatTitle, event.space, event.chatAliases) : undefined;
    // A person first seen in a higher-tier group (the bot joined an existing community) starts on
    // that group's tier; after that only the tiers feature moves them, never where they speak.
    const member = this.ensureMember(person, event.at, group && tiers.has(group.tier) ? group.tier : undefined);
    let chat: ChatContext;
    if (group) {
      chat = { ref: event.chat, kind: 'group', tier: group.tier, timeZone: groups.timeZoneOf(group) };
      const key = group.chatKey;
      const left = event.type === 'member.left';
      const upsert = event.type === 'member.joined' ? this.q.joined : left ? this.q.left : this.q.interacted;
      upsert.run({ m: member.id, k: key, at });
      // A leave reported for a whole space (a Discord guild) leaves every group of that space.
      if (event.type === 'member.left' && event.spaceWide && event.space) this.q.leftSpace.run({ m: member.id, s: spaceKey(event.space), at });
      if (event.type === 'message' || event.type === 'reaction') {
        this.recordActivity(member.id, key, localDay(event.at, chat.timeZone), event.type === 'message' ? 'messages' : 'reactions', event.at);
      }
    } else {
      chat = { ref: event.chat, kind: 'direct', tier: member.tier, timeZone: this.deps.config.community.timezone };
    }
    const actor: Actor = {
      memberId: member.id,
      user: person.user,
      name: member.name,
      role: this.roleOf(member.id, person),
      locale: this.localeOf(member),
      tier: member.tier,
    };
    const notices = this.ambiguityNotices();
    return notices.length > 0 ? { actor, chat, notices } : { actor, chat };
  }

  /**
   * Finds or creates the member behind a platform identity, keeping name, handle and aliases
   * current. An unknown id whose alias (`Sender.aliases`) belongs to exactly one known person is
   * that person with a new id (a WeChat re-login): the identity is rebound to it, audited, and
   * the member keeps balance, streak and tier. Several people with that alias: no guess; a new
   * member, and the staff chat is told (`enter`).
   */
  ensureMember(person: Pick<Sender, 'user' | 'name' | 'handle' | 'language' | 'aliases'>, at: Date, startTier?: string): MemberRow {
    const row = this.identify(person, at, startTier);
    if (person.aliases) this.aliases.sync(person.user.platform, person.user.userId, person.aliases);
    return row;
  }

  private identify(person: Pick<Sender, 'user' | 'name' | 'handle' | 'language' | 'aliases'>, at: Date, startTier?: string): MemberRow {
    const { platform, userId } = person.user;
    if (person.aliases && person.aliases.length > 0 && this.q.byIdentity.get(platform, userId) === undefined) {
      const found = this.aliases.lookup(platform, userId, person.aliases, person.name);
      if (found.kind === 'one') this.rebind(found.match, person, at);
      else if (found.kind === 'many') {
        const row = this.createMember(person, at, startTier);
        this.ambiguous.push({ person, memberId: row.id, matches: found.matches });
        return row;
      }
    }
    return this.findOrCreate(person, at, startTier);
  }

  /** Moves a known person's identity to the new id their platform gave them. Audited. */
  private rebind(match: AliasMatch, person: Pick<Sender, 'user' | 'name'>, at: Date): void {
    const { platform, userId } = person.user;
    this.q.rebindIdentity.run(userId, platform, match.userId);
    this.aliases.move(platform, match.userId, userId);
    this.deps.audit.record({
      at,
      actorMemberId: null,
      action: 'identity.rebind',
      targetMemberId: match.memberId,
      detail: { platform, from: match.userId, to: userId, alias: match.alias },
      reason: 'same alias after a platform id change',
    });
  }

  /** The staff notices for ambiguous alias matches found since the last call. */
  private ambiguityNotices(): Outbound[] {
    const found = this.ambiguous;
    const rooms = this.deps.groups.takeUnsure();
    if (found.length === 0 && rooms.length === 0) return [];
    this.ambiguous = [];
    const { translator, config } = this.deps;
    const staffChat = config.staff.chat;
    if (!translator || !staffChat) return [];
    const locale = config.community.locale;
    const roomNotices = rooms.map((r) => ({
      type: 'send' as const,
      chat: parseChatKey(staffChat),
      body: translator.t(locale, 'members.room_ambiguous', { chat: r.chatKey, topic: r.topic, candidates: r.candidates.join(', ') }),
    }));
    return [...roomNotices, ...found.map(({ person, memberId, matches }) => ({
      type: 'send' as const,
      chat: parseChatKey(staffChat),
      body: translator.t(locale, 'members.alias_ambiguous', {
        id: userKey(person.user),
        name: person.name ?? person.user.userId,
        member: memberId,
        alias: matches[0]!.alias,
        candidates: matches.map((m) => `#${m.memberId} (${m.userId})`).join(', '),
      }),
    }))];
  }

  private findOrCreate(person: Pick<Sender, 'user' | 'name' | 'handle' | 'language'>, at: Date, startTier?: string): MemberRow {
    const { platform, userId } = person.user;
    const found = this.q.byIdentity.get(platform, userId) as (MemberRow & { identityName: string; identityHandle: string | null }) | undefined;
    if (found) {
      const { identityName, identityHandle, ...row } = found;
      const name = person.name ?? identityName;
      if (identityName !== name || (person.handle !== undefined && identityHandle !== person.handle)) {
        this.q.renameIdentity.run(name, person.handle ?? identityHandle, platform, userId);
        this.q.renameMember.run(name, row.id);
        row.name = name;
      }
      const learnt = localeFromLanguage(person.language);
      if (row.locale === null && learnt) {
        this.q.setLocale.run(learnt, row.id);
        row.locale = learnt;
      }
      return row;
    }
    return this.createMember(person, at, startTier);
  }

  private createMember(person: Pick<Sender, 'user' | 'name' | 'handle' | 'language'>, at: Date, startTier?: string): MemberRow {
    const { platform, userId } = person.user;
    const name = person.name ?? userId;
    const locale = localeFromLanguage(person.language) ?? null;
    const tier = startTier ?? this.deps.tiers.lowest;
    const id = Number(this.q.insertMember.run(name, locale, tier, at.getTime()).lastInsertRowid);
    this.q.insertIdentity.run(platform, userId, id, person.handle ?? null, name, at.getTime(), id);
    return { id, name, locale, tier, createdAt: at.getTime(), lastActiveAt: null, mergedInto: null, mergedAt: null, erasedAt: null };
  }

  /**
   * When the bot first saw the member in any group (ms), or null: the start of their tenure. A
   * rejoin or a late join event updates `joined_at`, never this.
   */
  firstSeenAt(memberId: number): number | null {
    const row = this.deps.orm.$client.prepare('SELECT MIN(first_seen_at) AS at FROM memberships WHERE member_id = ?').get(memberId) as { at: number | null };
    return row.at;
  }

  /** Local days (`YYYY-MM-DD`, `from` inclusive, `to` exclusive) with any interaction of the member, in any group. */
  activeDaysBetween(memberId: number, from: string, to: string): number {
    const row = this.deps.orm.$client.prepare('SELECT COUNT(DISTINCT day) AS n FROM activity_days WHERE member_id = ? AND day >= ? AND day < ?').get(memberId, from, to) as { n: number };
    return row.n;
  }

  /** Members currently in a group (seen there and not since left). */
  memberCount(chatKeyValue: string): number {
    const row = this.deps.orm
      .select({ n: sql<number>`COUNT(*)` })
      .from(memberships)
      .where(and(eq(memberships.chatKey, chatKeyValue), isNull(memberships.leftAt)))
      .get();
    return row?.n ?? 0;
  }

  /** Whether the member is still in at least one group (seen there and not since left), `excludeChat` aside. */
  inAnyGroup(memberId: number, excludeChat?: string): boolean {
    return (
      this.deps.orm.$client
        .prepare('SELECT 1 FROM memberships WHERE member_id = ? AND left_at IS NULL AND chat_key IS NOT ? LIMIT 1')
        .get(memberId, excludeChat ?? null) !== undefined
    );
  }

  /**
   * Staff: members who hold a moderator, operator or owner role (config, `BOT_OWNERS` or `/role`)
   * and, given the staff chat, everyone seen there. Platform admin rights are not stored, so they
   * are not known here. Config keys are looked up by identity (a primary-key read each), not by
   * matching every identity row.
   */
  staffMemberIds(staffChat?: string): number[] {
    const s = this.deps.orm.$client;
    const ids = new Set<number>();
    const byIdentity = s.prepare('SELECT member_id AS id FROM identities WHERE platform = ? AND user_id = ?');
    for (const key of this.configRoles.keys()) {
      const colon = key.indexOf(':');
      const row = byIdentity.get(key.slice(0, colon), key.slice(colon + 1)) as { id: number } | undefined;
      if (row) ids.add(row.id);
    }
    for (const r of s.prepare("SELECT member_id AS id FROM member_roles WHERE role <> 'member'").all() as { id: number }[]) ids.add(r.id);
    if (staffChat) for (const r of s.prepare('SELECT member_id AS id FROM memberships WHERE chat_key = ?').all(staffChat) as { id: number }[]) ids.add(r.id);
    return [...ids];
  }

  /** Who is recorded as in a group (not since left), by their identity on the group's platform. */
  recordedIn(chatKeyValue: string, platform: Platform): { userId: string; name: string }[] {
    return this.deps.orm.$client
      .prepare(
        `SELECT i.user_id AS userId, i.name AS name FROM memberships ms JOIN identities i ON i.member_id = ms.member_id AND i.platform = ?
         WHERE ms.chat_key = ? AND ms.left_at IS NULL`,
      )
      .all(platform, chatKeyValue) as { userId: string; name: string }[];
  }

  /** When anyone last interacted (message or reaction) in a group, as ms; null if never. */
  lastInteractionIn(chatKeyValue: string): number | null {
    const row = this.deps.orm
      .select({ at: sql<number | null>`MAX(${memberships.lastActiveAt})` })
      .from(memberships)
      .where(eq(memberships.chatKey, chatKeyValue))
      .get();
    return row?.at ?? null;
  }

  /**
   * Messages and shares members wrote in these groups on the local days `fromDay`…`toDay`
   * (inclusive): the user-content volume campaign figures compare with the period before.
   * `leaveOut`: members whose writing is not user content (staff, from `staffMemberIds`).
   */
  contentVolume(chatKeys: readonly string[], fromDay: string, toDay: string, leaveOut: Iterable<number> = []): number {
    if (chatKeys.length === 0) return 0;
    const row = this.deps.orm.$client
      .prepare(
        `SELECT COALESCE(SUM(messages + shares), 0) AS n FROM activity_days
         WHERE day >= ? AND day <= ? AND chat_key IN (SELECT value FROM json_each(?)) AND member_id NOT IN (SELECT value FROM json_each(?))`,
      )
      .get(fromDay, toDay, JSON.stringify(chatKeys), JSON.stringify([...leaveOut])) as { n: number };
    return row.n;
  }

  /** Adds one interaction of a kind to the member's activity for a group and local day. */
  recordActivity(memberId: number, chatKeyValue: string, day: string, field: ActivityField, at: Date): void {
    this.q.activity[field].run(memberId, chatKeyValue, day);
    this.q.touch.run({ m: memberId, at: at.getTime() });
    for (const observe of this.activityObservers) observe({ memberId, chatKey: chatKeyValue, field, at });
  }

  /**
   * Calls `observer` for every interaction recorded (messages, check-ins, shares, reactions), in
   * the same transaction. `recordActivity` is the one funnel every interaction passes through —
   * commands included, which listeners never see — so features that react to "the member is back"
   * (quiet-member recall outcomes) hook in here.
   */
  onActivity(observer: (note: ActivityNote) => void): void {
    this.activityObservers.push(observer);
  }

  /**
   * How to reach a member by DM: an identity that shares a platform with their most recently
   * active group (so a refused DM can become a mention there), else their first identity.
   * `excludeChat` (the staff chat) is never used as the fallback.
   */
  dmTarget(memberId: number, excludeChat?: string): DmTarget | undefined {
    const row = this.get(memberId);
    if (!row) return undefined;
    const ids = this.q.identitiesOf.all(memberId) as { platform: UserRef['platform']; userId: string }[];
    if (ids.length === 0) return undefined;
    for (const g of this.q.groupsByRecency.all(memberId, excludeChat ?? '') as { chatKey: string }[]) {
      const chat = parseChatKey(g.chatKey);
      const identity = ids.find((i) => i.platform === chat.platform);
      if (identity) return { user: { platform: chat.platform, userId: identity.userId }, name: row.name, locale: this.localeOf(row), fallbackChat: chat };
    }
    const first = ids[0]!;
    return { user: { platform: first.platform, userId: first.userId }, name: row.name, locale: this.localeOf(row) };
  }

  resolveMember(token: string, where: { readonly platform: Platform; readonly mentions: readonly Mention[]; readonly at: Date }): MemberTarget | undefined {
    const mention = where.mentions.find((m) => m.text === token);
    if (mention?.typed) {
      // Text that only looks like a mention must not create (and pay) a phantom member.
      const known = this.q.byIdentity.get(mention.user.platform, mention.user.userId) as MemberRow | undefined;
      return known ? { memberId: known.id, name: known.name, user: mention.user } : undefined;
    }
    if (mention) return this.memberFor(mention.user, mention.name, where.at);
    const byId = /^#(\d+)$/.exec(token);
    if (byId) return this.target(Number(byId[1]));
    if (token.startsWith('@')) {
      const handle = token.slice(1);
      const identity = this.deps.orm
        .select()
        .from(identities)
        .where(and(eq(identities.platform, where.platform), sql`lower(${identities.handle}) = lower(${handle})`))
        .get();
      if (identity) return this.target(identity.memberId);
    }
    return undefined;
  }

  memberFor(user: UserRef, name: string | undefined, at: Date): MemberTarget {
    const row = this.ensureMember({ user, ...(name ? { name } : {}) }, at);
    return { memberId: row.id, name: row.name, user };
  }

  /** A member as a command target, addressed through their first identity. */
  target(memberId: number): MemberTarget | undefined {
    const row = this.get(memberId);
    const identity = this.deps.orm.select().from(identities).where(eq(identities.memberId, memberId)).get();
    return row && identity ? { memberId, name: row.name, user: { platform: identity.platform as UserRef['platform'], userId: identity.userId } } : undefined;
  }

  get(memberId: number): MemberRow | undefined {
    return this.q.member.get(memberId) as MemberRow | undefined;
  }

  /** The strongest of: env and config grants for any of the member's identities, `/role` grants, platform admin. */
  roleOf(memberId: number, person?: Sender): Role {
    const found: Role[] = [];
    if (this.configRoles.size > 0) {
      for (const i of this.q.identityKeys.all(memberId) as { k: string }[]) {
        const r = this.configRoles.get(i.k);
        if (r) found.push(r);
      }
    }
    const granted = this.q.grantedRole.get(memberId) as { role: string } | undefined;
    if (granted && isRole(granted.role)) found.push(granted.role);
    if (person?.platformRole) found.push(this.deps.config.roles.platformAdmins);
    return strongest(found);
  }

  /**
   * Members who hold at least `min` (config, env and `/role` grants; platform admins are only known
   * when they speak), for reminders that mention every moderator or escalations to the operators.
   */
  withRole(min: Role): MemberTarget[] {
    const ids = new Set<number>();
    for (const [key, role] of this.configRoles) {
      if (!atLeast(role, min)) continue;
      const at = key.indexOf(':');
      const found = this.q.byIdentity.get(key.slice(0, at), key.slice(at + 1)) as MemberRow | undefined;
      if (found) ids.add(found.id);
    }
    for (const r of this.deps.orm.select().from(memberRoles).all()) if (isRole(r.role) && atLeast(r.role, min)) ids.add(r.memberId);
    return [...ids]
      .sort((a, b) => a - b)
      .flatMap((id) => {
        const t = this.target(id);
        return t && atLeast(this.roleOf(id), min) ? [t] : [];
      });
  }

  /** Grants a role (`member` removes the grant), audited with the role before and after. */
  setRole(memberId: number, role: Role, grantedBy: number | null, at: Date): void {
    const { orm, audit } = this.deps;
    const from = this.roleOf(memberId);
    if (role === 'member') orm.delete(memberRoles).where(eq(memberRoles.memberId, memberId)).run();
    else {
      orm
        .insert(memberRoles)
        .values({ memberId, role, grantedBy, grantedAt: at.getTime() })
        .onConflictDoUpdate({ target: memberRoles.memberId, set: { role, grantedBy, grantedAt: at.getTime() } })
        .run();
    }
    audit.record({ at, actorMemberId: grantedBy, action: 'role.set', targetMemberId: memberId, detail: { from, to: role } });
  }

  /** The member's platform identities, oldest first. */
  identitiesOf(memberId: number): UserRef[] {
    return this.q.identitiesOf.all(memberId) as UserRef[];
  }

  /** The member behind a platform identity, if the bot has seen them. */
  findByIdentity(user: UserRef): number | undefined {
    return (this.q.byIdentity.get(user.platform, user.userId) as MemberRow | undefined)?.id;
  }

  /** Mirrors the tiers feature's decision into `members.tier`, which every other feature reads. */
  setTier(memberId: number, tier: string): void {
    this.q.setTier.run(tier, memberId);
  }

  setLocale(memberId: number, locale: Locale): void {
    this.q.setLocale.run(locale, memberId);
  }

  localeOf(member: Pick<MemberRow, 'locale'>): Locale {
    return (member.locale as Locale | null) ?? this.deps.config.community.locale;
  }

  /**
   * A member as the actor of an action taken outside a chat (a dashboard form): the role, language
   * and tier the dispatcher would give them, addressed through their first identity. Undefined for
   * unknown members and members merged into another.
   */
  actorFor(memberId: number): Actor | undefined {
    const row = this.get(memberId);
    const target = this.target(memberId);
    if (!row || !target || row.mergedInto !== null) return undefined;
    return { memberId, user: target.user, name: row.name, role: this.roleOf(memberId), locale: this.localeOf(row), tier: row.tier };
  }

  /**
   * Members by name (any part, case-insensitive), by identity (`platform:id`, a bare platform user
   * id or `@handle`) or by `#id`, newest first; one page of at most `limit`, never every member.
   */
  search(query: string, limit: number, offset = 0): { rows: MemberRow[]; more: boolean } {
    const q = query.trim();
    const s = this.deps.orm.$client;
    const columns = 'm.id AS id, m.name AS name, m.locale AS locale, m.tier AS tier, m.created_at AS createdAt, m.last_active_at AS lastActiveAt, m.merged_into AS mergedInto';
    let rows: MemberRow[];
    const byId = /^#?(\d+)$/.exec(q);
    if (q === '') {
      rows = s.prepare(`SELECT ${columns} FROM members m WHERE m.merged_into IS NULL ORDER BY m.id DESC LIMIT ? OFFSET ?`).all(limit + 1, offset) as MemberRow[];
    } else {
      const colon = q.indexOf(':');
      const platform = colon > 0 ? q.slice(0, colon) : null;
      const userId = colon > 0 ? q.slice(colon + 1) : q;
      const like = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      rows = s
        .prepare(
          `SELECT ${columns} FROM members m WHERE m.merged_into IS NULL AND (
             m.id = @id
             OR m.id IN (SELECT member_id FROM identities WHERE user_id = @userId AND (@platform IS NULL OR platform = @platform))
             OR m.id IN (SELECT member_id FROM identities WHERE lower(handle) = lower(@handle))
             OR lower(m.name) LIKE @like ESCAPE '\\')
           ORDER BY m.id DESC LIMIT @limit OFFSET @offset`,
        )
        .all({ id: byId ? Number(byId[1]) : -1, userId, platform, handle: q.replace(/^@/, ''), like, limit: limit + 1, offset }) as MemberRow[];
    }
    return { rows: rows.slice(0, limit), more: rows.length > limit };
  }

  /** A member's identities as `platform:id` keys with the name each platform shows. */
  identitiesOfMember(memberId: number): { key: string; name: string; handle: string | null }[] {
    return this.deps.orm.select().from(identities).where(eq(identities.memberId, memberId)).all().map((i) => ({ key: userKey({ platform: i.platform as UserRef['platform'], userId: i.userId }), name: i.name, handle: i.handle }));
  }

  /**
   * Headcounts for the dashboard: members, members first seen since each of `newSince`, and members
   * active on or after the local day `activeFromDay`.
   */
  headcount(newSince: readonly Date[], activeFromDay: string): { members: number; newSince: number[]; activeSince: number } {
    const s = this.deps.orm.$client;
    const members = (s.prepare('SELECT COUNT(*) AS n FROM members WHERE merged_into IS NULL').get() as { n: number }).n;
    const since = s.prepare('SELECT COUNT(*) AS n FROM members WHERE merged_into IS NULL AND created_at >= ?');
    const activeSince = (s.prepare('SELECT COUNT(DISTINCT member_id) AS n FROM activity_days WHERE day >= ?').get(activeFromDay) as { n: number }).n;
    return { members, newSince: newSince.map((d) => (since.get(d.getTime()) as { n: number }).n), activeSince };
  }

  /** Every member with their identity keys, for `export`. */
  exportAll(): { id: number; name: string; identities: string[]; tier: string; lastActiveAt: string | null; createdAt: string }[] {
    const ids = this.deps.orm.select().from(identities).all();
    const byMember = new Map<number, string[]>();
    for (const i of ids) {
      const list = byMember.get(i.memberId) ?? [];
      list.push(userKey({ platform: i.platform as UserRef['platform'], userId: i.userId }));
      byMember.set(i.memberId, list);
    }
    return this.deps.orm
      .select()
      .from(members)
      .orderBy(members.id)
      .all()
      .map((m) => ({
        id: m.id,
        name: m.name,
        identities: byMember.get(m.id) ?? [],
        tier: m.tier,
        lastActiveAt: m.lastActiveAt === null ? null : new Date(m.lastActiveAt).toISOString(),
        createdAt: new Date(m.createdAt).toISOString(),
      }));
  }
}


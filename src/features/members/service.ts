import { and, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Actor, ChatContext, MemberTarget } from '../../core/command.ts';
import { localDay } from '../../core/clock.ts';
import type { Directory } from '../../core/directory.ts';
import type { InboundEvent, MessageEvent, Sender } from '../../core/events.ts';
import { eventActor } from '../../core/events.ts';
import type { Locale } from '../../core/i18n.ts';
import { localeFromLanguage } from '../../core/i18n.ts';
import type { ChatRef, UserRef } from '../../core/ids.ts';
import { chatKey, parseChatKey, userKey } from '../../core/ids.ts';
import type { Role } from '../../core/roles.ts';
import { isRole, strongest } from '../../core/roles.ts';
import type { CommunityConfig } from '../../config/schema.ts';
import type { Orm } from '../../db/open.ts';
import type { GroupService } from '../groups/index.ts';
import type { TierService } from '../tiers/index.ts';
import { activityDays, identities, memberRoles, members, memberships } from './schema.ts';

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
  /** Identity keys (`telegram:42`) that are owners, from `BOT_OWNERS`. */
  readonly owners: ReadonlySet<string>;
}

/**
 * Who is who: members, their platform identities, group memberships, roles and daily activity.
 * Implements the dispatcher's Directory.
 */
export class MembersService implements Directory {
  private readonly configRoles = new Map<string, Role>();
  private readonly activityObservers: ((note: ActivityNote) => void)[] = [];

  constructor(private readonly deps: MembersServiceDeps) {
    const { roles } = deps.config;
    for (const k of roles.moderators) this.configRoles.set(k, 'moderator');
    for (const k of roles.operators) this.configRoles.set(k, 'operator');
    for (const k of roles.owners) this.configRoles.set(k, 'owner');
    for (const k of deps.owners) this.configRoles.set(k, 'owner');
  }

  enter(event: InboundEvent): { actor: Actor; chat: ChatContext } {
    const { orm, groups, tiers } = this.deps;
    const at = event.at.getTime();
    const person = eventActor(event);
    const member = this.ensureMember(person, event.at);
    let chat: ChatContext;
    if (event.chatKind === 'group') {
      const group = groups.ensure(event.chat, event.at, event.chatTitle);
      chat = { ref: event.chat, kind: 'group', tier: group.tier, timeZone: groups.timeZoneOf(group) };
      const key = group.chatKey;
      const interaction = event.type === 'message' || event.type === 'reaction';
      const joined = event.type === 'member.joined';
      const left = event.type === 'member.left';
      orm
        .insert(memberships)
        .values({ memberId: member.id, chatKey: key, joinedAt: joined ? at : null, firstSeenAt: at, lastActiveAt: interaction ? at : null, leftAt: left ? at : null })
        .onConflictDoUpdate({
          target: [memberships.memberId, memberships.chatKey],
          set: joined
            ? { joinedAt: at, leftAt: null }
            : left
              ? { leftAt: at }
              : { lastActiveAt: at, leftAt: null },
        })
        .run();
      if (interaction) this.recordActivity(member.id, key, localDay(event.at, chat.timeZone), event.type === 'message' ? 'messages' : 'reactions', event.at);
      if (!left && tiers.rank(group.tier) > tiers.rank(member.tier)) {
        orm.update(members).set({ tier: group.tier }).where(eq(members.id, member.id)).run();
        member.tier = group.tier;
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
    return { actor, chat };
  }

  /** Finds or creates the member behind a platform identity, keeping name and handle current. */
  ensureMember(person: Pick<Sender, 'user' | 'name' | 'handle' | 'language'>, at: Date): MemberRow {
    const { orm } = this.deps;
    const identity = orm
      .select()
      .from(identities)
      .where(and(eq(identities.platform, person.user.platform), eq(identities.userId, person.user.userId)))
      .get();
    if (identity) {
      const name = person.name ?? identity.name;
      if (identity.name !== name || (person.handle !== undefined && identity.handle !== person.handle)) {
        orm
          .update(identities)
          .set({ name, handle: person.handle ?? identity.handle })
          .where(and(eq(identities.platform, person.user.platform), eq(identities.userId, person.user.userId)))
          .run();
        orm.update(members).set({ name }).where(eq(members.id, identity.memberId)).run();
      }
      const row = orm.select().from(members).where(eq(members.id, identity.memberId)).get()!;
      const learnt = localeFromLanguage(person.language);
      if (row.locale === null && learnt) {
        orm.update(members).set({ locale: learnt }).where(eq(members.id, row.id)).run();
        row.locale = learnt;
      }
      return row;
    }
    const created = orm
      .insert(members)
      .values({ name: person.name ?? person.user.userId, locale: localeFromLanguage(person.language) ?? null, tier: this.deps.tiers.lowest, createdAt: at.getTime() })
      .returning()
      .get();
    orm
      .insert(identities)
      .values({ platform: person.user.platform, userId: person.user.userId, memberId: created.id, handle: person.handle ?? null, name: person.name ?? person.user.userId, firstSeenAt: at.getTime() })
      .run();
    return created;
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

  /** When anyone last interacted (message or reaction) in a group, as ms; null if never. */
  lastInteractionIn(chatKeyValue: string): number | null {
    const row = this.deps.orm
      .select({ at: sql<number | null>`MAX(${memberships.lastActiveAt})` })
      .from(memberships)
      .where(eq(memberships.chatKey, chatKeyValue))
      .get();
    return row?.at ?? null;
  }

  /** Adds one interaction of a kind to the member's activity for a group and local day. */
  recordActivity(memberId: number, chatKeyValue: string, day: string, field: ActivityField, at: Date): void {
    const { orm } = this.deps;
    orm
      .insert(activityDays)
      .values({ memberId, chatKey: chatKeyValue, day, [field]: 1 })
      .onConflictDoUpdate({ target: [activityDays.memberId, activityDays.chatKey, activityDays.day], set: { [field]: sql`${activityDays[field]} + 1` } })
      .run();
    orm.update(members).set({ lastActiveAt: at.getTime() }).where(eq(members.id, memberId)).run();
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
    const ids = this.deps.orm.select().from(identities).where(eq(identities.memberId, memberId)).all();
    if (ids.length === 0) return undefined;
    const groupsOf = this.deps.orm
      .select({ chatKey: memberships.chatKey })
      .from(memberships)
      .where(and(eq(memberships.memberId, memberId), isNull(memberships.leftAt), excludeChat ? ne(memberships.chatKey, excludeChat) : undefined))
      .orderBy(desc(sql`COALESCE(${memberships.lastActiveAt}, ${memberships.joinedAt}, ${memberships.firstSeenAt})`))
      .all();
    for (const g of groupsOf) {
      const chat = parseChatKey(g.chatKey);
      const identity = ids.find((i) => i.platform === chat.platform);
      if (identity) return { user: { platform: chat.platform, userId: identity.userId }, name: row.name, locale: this.localeOf(row), fallbackChat: chat };
    }
    const first = ids[0]!;
    return { user: { platform: first.platform as UserRef['platform'], userId: first.userId }, name: row.name, locale: this.localeOf(row) };
  }

  resolveMember(token: string, event: MessageEvent): MemberTarget | undefined {
    const mention = event.mentions.find((m) => m.text === token);
    if (mention) {
      const row = this.ensureMember({ user: mention.user, ...(mention.name ? { name: mention.name } : {}) }, event.at);
      return { memberId: row.id, name: row.name, user: mention.user };
    }
    const byId = /^#(\d+)$/.exec(token);
    if (byId) return this.target(Number(byId[1]));
    if (token.startsWith('@')) {
      const handle = token.slice(1);
      const identity = this.deps.orm
        .select()
        .from(identities)
        .where(and(eq(identities.platform, event.platform), sql`lower(${identities.handle}) = lower(${handle})`))
        .get();
      if (identity) return this.target(identity.memberId);
    }
    return undefined;
  }

  /** A member as a command target, addressed through their first identity. */
  target(memberId: number): MemberTarget | undefined {
    const row = this.get(memberId);
    const identity = this.deps.orm.select().from(identities).where(eq(identities.memberId, memberId)).get();
    return row && identity ? { memberId, name: row.name, user: { platform: identity.platform as UserRef['platform'], userId: identity.userId } } : undefined;
  }

  get(memberId: number): MemberRow | undefined {
    return this.deps.orm.select().from(members).where(eq(members.id, memberId)).get();
  }

  /** The strongest of: env and config grants for any of the member's identities, `/role` grants, platform admin. */
  roleOf(memberId: number, person?: Sender): Role {
    const found: Role[] = [];
    const ids = this.deps.orm.select({ platform: identities.platform, userId: identities.userId }).from(identities).where(eq(identities.memberId, memberId)).all();
    for (const i of ids) {
      const r = this.configRoles.get(`${i.platform}:${i.userId}`);
      if (r) found.push(r);
    }
    const granted = this.deps.orm.select().from(memberRoles).where(eq(memberRoles.memberId, memberId)).get();
    if (granted && isRole(granted.role)) found.push(granted.role);
    if (person?.platformRole) found.push(this.deps.config.roles.platformAdmins);
    return strongest(found);
  }

  /** Grants a role with `/role` (`member` removes the grant). The caller audits. */
  setRole(memberId: number, role: Role, grantedBy: number, at: Date): void {
    const { orm } = this.deps;
    if (role === 'member') {
      orm.delete(memberRoles).where(eq(memberRoles.memberId, memberId)).run();
      return;
    }
    orm
      .insert(memberRoles)
      .values({ memberId, role, grantedBy, grantedAt: at.getTime() })
      .onConflictDoUpdate({ target: memberRoles.memberId, set: { role, grantedBy, grantedAt: at.getTime() } })
      .run();
  }

  setLocale(memberId: number, locale: Locale): void {
    this.deps.orm.update(members).set({ locale }).where(eq(members.id, memberId)).run();
  }

  localeOf(member: Pick<MemberRow, 'locale'>): Locale {
    return (member.locale as Locale | null) ?? this.deps.config.community.locale;
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


import { eq } from 'drizzle-orm';
import type { ChatRef, SpaceRef } from '../../core/ids.ts';
import { chatKey, spaceKey } from '../../core/ids.ts';
import type { AuditService } from '../audit/index.ts';
import type { Orm } from '../../db/open.ts';
import type { CommunityConfig } from '../../config/schema.ts';
import { groups } from './schema.ts';

export type GroupRow = typeof groups.$inferSelect;

/** A new group whose topic several known groups share: not guessed, the staff decides. */
export interface UnsureGroup {
  readonly chatKey: string;
  readonly topic: string;
  readonly candidates: readonly string[];
}

/**
 * Groups and their tier binding. Config bindings win at start; an unbound group belongs to the
 * lowest tier until an operator binds it.
 */
export class GroupService {
  private readonly cache = new Map<string, GroupRow>();
  private unsure: UnsureGroup[] = [];

  constructor(
    private readonly orm: Orm,
    private readonly config: CommunityConfig,
    private readonly audit: AuditService,
  ) {}

  get lowestTier(): string {
    return this.config.tiers[0]!.id;
  }

  /** Applies the config's group bindings (at start and on reload). */
  applyConfig(now: Date): void {
    for (const g of this.config.groups) {
      const key = g.chat;
      const platform = key.slice(0, key.indexOf(':'));
      this.orm
        .insert(groups)
        .values({ chatKey: key, platform, title: g.title ?? null, tier: g.tier, timezone: g.timezone ?? null, trackingStartedAt: now.getTime() })
        .onConflictDoUpdate({ target: groups.chatKey, set: { tier: g.tier, timezone: g.timezone ?? null, ...(g.title ? { title: g.title } : {}) } })
        .run();
    }
    this.cache.clear();
  }

  /** The group's row, registering it (lowest tier) the first time the bot sees it; keeps its title and space current. */
  ensure(chat: ChatRef, at: Date, title?: string, space?: SpaceRef, aliases?: readonly string[]): GroupRow {
    const key = chatKey(chat);
    const spaceValue = space === undefined ? undefined : spaceKey(space);
    const cached = this.cache.get(key);
    if (cached && (title === undefined || cached.title === title) && (spaceValue === undefined || cached.space === spaceValue)) return cached;
    let row = this.orm.select().from(groups).where(eq(groups.chatKey, key)).get();
    if (!row) {
      const previous = this.previousOf(chat, key, aliases, at);
      row = { chatKey: key, platform: chat.platform, title: title ?? null, tier: previous?.tier ?? this.lowestTier, timezone: previous?.timezone ?? null, space: spaceValue ?? null, trackingStartedAt: at.getTime() };
      // Not cached: the insert is not committed until the event's transaction is.
      this.orm.insert(groups).values(row).run();
      return row;
    }
    const changed = { ...(title !== undefined && row.title !== title ? { title } : {}), ...(spaceValue !== undefined && row.space !== spaceValue ? { space: spaceValue } : {}) };
    if (Object.keys(changed).length > 0) {
      this.orm.update(groups).set(changed).where(eq(groups.chatKey, key)).run();
      row = { ...row, ...changed };
    }
    this.cache.set(key, row);
    return row;
  }

  /**
   * A new chat id whose topic alias (`topic:<room topic>`, WeChat) names exactly one known group on
   * its platform is that room after an id change (a re-login): the new id takes its tier and time
   * zone, audited. Several groups with that topic: nothing is guessed (`takeUnsure`).
   */
  private previousOf(chat: ChatRef, key: string, aliases: readonly string[] | undefined, at: Date): GroupRow | undefined {
    const topic = aliases?.find((a) => a.startsWith('topic:'))?.slice('topic:'.length);
    if (!topic) return undefined;
    const same = this.orm.$client
      .prepare('SELECT * FROM groups WHERE platform = ? AND title = ? AND chat_key <> ? ORDER BY chat_key')
      .all(chat.platform, topic, key) as { chat_key: string; tier: string; timezone: string | null }[];
    if (same.length > 1) this.unsure.push({ chatKey: key, topic, candidates: same.map((g) => g.chat_key) });
    if (same.length !== 1) return undefined;
    const old = same[0]!;
    this.audit.record({ at, actorMemberId: null, action: 'group.rebind', detail: { from: old.chat_key, to: key, topic, tier: old.tier }, reason: 'same room topic after a platform id change' });
    return { chatKey: old.chat_key, tier: old.tier, timezone: old.timezone } as GroupRow;
  }

  /** New groups whose topic matched several known ones since the last call, for the staff chat. */
  takeUnsure(): UnsureGroup[] {
    const found = this.unsure;
    this.unsure = [];
    return found;
  }

  get(key: string): GroupRow | undefined {
    return this.cache.get(key) ?? this.orm.select().from(groups).where(eq(groups.chatKey, key)).get();
  }

  /** The groups of a space (`discord:<guild>`). */
  inSpace(space: SpaceRef): GroupRow[] {
    return this.orm.select().from(groups).where(eq(groups.space, spaceKey(space))).all();
  }

  all(): GroupRow[] {
    return this.orm.select().from(groups).all();
  }

  /** Binds a group to a tier, audited with the tier before and after. */
  bind(key: string, tier: string, actorMemberId: number | null, at: Date): void {
    const before = this.get(key)?.tier ?? null;
    this.orm.update(groups).set({ tier }).where(eq(groups.chatKey, key)).run();
    this.cache.delete(key);
    this.audit.record({ at, actorMemberId, action: 'group.bind', detail: { chat: key, from: before, to: tier } });
  }

  /** The time zone day boundaries use in a group. */
  timeZoneOf(row: GroupRow | undefined): string {
    return row?.timezone ?? this.config.community.timezone;
  }

  /** Drops cached rows; the in-memory cache must not outlive a rolled-back transaction. */
  forget(key: string): void {
    this.cache.delete(key);
  }
}

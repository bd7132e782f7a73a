import { eq } from 'drizzle-orm';
import type { ChatRef } from '../../core/ids.ts';
import { chatKey } from '../../core/ids.ts';
import type { Orm } from '../../db/open.ts';
import type { CommunityConfig } from '../../config/schema.ts';
import { groups } from './schema.ts';

export type GroupRow = typeof groups.$inferSelect;

/**
 * Groups and their tier binding. Config bindings win at start; an unbound group belongs to the
 * lowest tier until an operator binds it.
 */
export class GroupService {
  private readonly cache = new Map<string, GroupRow>();

  constructor(
    private readonly orm: Orm,
    private readonly config: CommunityConfig,
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

  /** The group's row, registering it (lowest tier) the first time the bot sees it. */
  ensure(chat: ChatRef, at: Date, title?: string): GroupRow {
    const key = chatKey(chat);
    const cached = this.cache.get(key);
    if (cached && (title === undefined || cached.title === title)) return cached;
    let row = this.orm.select().from(groups).where(eq(groups.chatKey, key)).get();
    if (!row) {
      row = { chatKey: key, platform: chat.platform, title: title ?? null, tier: this.lowestTier, timezone: null, trackingStartedAt: at.getTime() };
      // Not cached: the insert is not committed until the event's transaction is.
      this.orm.insert(groups).values(row).run();
      return row;
    } else if (title !== undefined && row.title !== title) {
      this.orm.update(groups).set({ title }).where(eq(groups.chatKey, key)).run();
      row = { ...row, title };
    }
    this.cache.set(key, row);
    return row;
  }

  get(key: string): GroupRow | undefined {
    return this.cache.get(key) ?? this.orm.select().from(groups).where(eq(groups.chatKey, key)).get();
  }

  all(): GroupRow[] {
    return this.orm.select().from(groups).all();
  }

  /** Binds a group to a tier; the caller audits. */
  bind(key: string, tier: string): void {
    this.orm.update(groups).set({ tier }).where(eq(groups.chatKey, key)).run();
    this.cache.delete(key);
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

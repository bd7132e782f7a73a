import type { PlatformRole } from '../../src/core/events.ts';

/** Looks up a chat's administrators (getChatAdministrators): user id → role. */
export type FetchAdmins = (chatId: number) => Promise<ReadonlyMap<number, PlatformRole>>;

/**
 * A group's admins, cached briefly: asking Telegram on every message would hit its limits, and a
 * promotion shows up within `ttlMs` (or at once, when a chat_member update reports it).
 */
export class AdminCache {
  private readonly entries = new Map<number, { at: number; admins: Promise<ReadonlyMap<number, PlatformRole>> }>();

  constructor(
    private readonly fetch: FetchAdmins,
    private readonly now: () => number,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  /** The chat's admin map; a failed lookup yields no admins and is retried on the next call. */
  async admins(chatId: number): Promise<ReadonlyMap<number, PlatformRole>> {
    const hit = this.entries.get(chatId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.admins;
    const admins = this.fetch(chatId);
    this.entries.set(chatId, { at: this.now(), admins });
    try {
      return await admins;
    } catch (err) {
      this.entries.delete(chatId);
      throw err;
    }
  }

  /** Forgets a chat's admins (someone was promoted or demoted). */
  invalidate(chatId: number): void {
    this.entries.delete(chatId);
  }
}

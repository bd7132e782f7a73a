import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../../src/core/logger.ts';

/** One tier role promised to someone who was invited before they were in the guild. */
export interface PendingRole {
  readonly guild: string;
  readonly user: string;
  readonly role: string;
  /** When the invite that carries it expires (ms); the promise goes with it. */
  readonly expiresAt: number;
}

/**
 * The tier roles to grant members when they join through a tier invite. Kept in a JSON file
 * beside the database (when given a path), written whole through a rename, so a promise made
 * before a restart is kept after it; entries whose invite has expired are dropped.
 */
export class PendingRoles {
  private entries: PendingRole[] = [];

  constructor(
    private readonly path: string | undefined,
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {
    this.entries = this.load();
  }

  /** Promises `role` to `user` on joining `guild`, until `expiresAt`. */
  add(entry: PendingRole): void {
    this.entries = [...this.live().filter((e) => !same(e, entry)), entry];
    this.save();
  }

  /** Drops a promise: kept (the role was granted) or withdrawn (a demotion came first). */
  remove(guild: string, user: string, role: string): void {
    const before = this.entries.length;
    this.entries = this.live().filter((e) => !same(e, { guild, user, role }));
    if (this.entries.length !== before) this.save();
  }

  /** The roles promised to `user` in `guild`; `remove` each once granted. */
  of(guild: string, user: string): string[] {
    return this.live()
      .filter((e) => e.guild === guild && e.user === user)
      .map((e) => e.role);
  }

  private live(): PendingRole[] {
    const now = this.now();
    return this.entries.filter((e) => e.expiresAt > now);
  }

  private load(): PendingRole[] {
    if (!this.path) return [];
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    try {
      const data = JSON.parse(text) as { entries?: unknown };
      const list = Array.isArray(data.entries) ? data.entries : [];
      return list.filter(isPendingRole);
    } catch (err) {
      // A damaged file loses the promises, not the bot: members still join through their invites.
      this.logger.error({ path: this.path, err: (err as Error).message }, 'discord: the pending tier roles file is unreadable; starting without it');
      return [];
    }
  }

  private save(): void {
    if (!this.path) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ entries: this.entries }, null, 2)}\n`);
    renameSync(tmp, this.path);
  }
}

function same(a: Omit<PendingRole, 'expiresAt'>, b: Omit<PendingRole, 'expiresAt'>): boolean {
  return a.guild === b.guild && a.user === b.user && a.role === b.role;
}

function isPendingRole(v: unknown): v is PendingRole {
  const e = v as Partial<PendingRole> | null;
  return typeof e === 'object' && e !== null && typeof e.guild === 'string' && typeof e.user === 'string' && typeof e.role === 'string' && typeof e.expiresAt === 'number';
}

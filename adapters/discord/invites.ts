import type { Collection, Guild, Invite } from 'discord.js';
import type { InviteUse } from './inbound.ts';

interface Known {
  readonly uses: number;
  readonly maxUses: number;
  readonly inviter?: string;
}

/**
 * Works out which invite a member joined through, as invite-tracker bots do: Discord does not say,
 * so the adapter keeps each guild's invite use counts and, on a join, fetches them again; the one
 * invite whose count went up by one (or a one-use invite that vanished, used up) is it. When none
 * or several changed (two joins at once, the vanity URL, a missing Manage Guild permission), it
 * says it cannot tell rather than guess.
 */
export class InviteTracker {
  private readonly guilds = new Map<string, Map<string, Known>>();

  constructor(private readonly fetchInvites: (guild: Guild) => Promise<Collection<string, Invite>>) {}

  /** Takes a guild's current counts (at start and when the bot joins a guild). False when they cannot be read. */
  async prime(guild: Guild): Promise<boolean> {
    try {
      this.guilds.set(guild.id, snapshot(await this.fetchInvites(guild)));
      return true;
    } catch {
      return false;
    }
  }

  /** Remembers an invite the bot made itself (a tier invite), so a join through it is recognised after it is used up. */
  remember(guildId: string, code: string, maxUses: number, inviter: string): void {
    const known = this.guilds.get(guildId) ?? new Map<string, Known>();
    known.set(code, { uses: 0, maxUses, inviter });
    this.guilds.set(guildId, known);
  }

  /** The invite behind a join just reported, or why it cannot be told. */
  async used(guild: Guild): Promise<{ invite: InviteUse } | { reason: string }> {
    const before = this.guilds.get(guild.id);
    let now: Map<string, Known>;
    try {
      now = snapshot(await this.fetchInvites(guild));
    } catch (err) {
      return { reason: `the guild's invites cannot be read (${(err as Error).message}); the bot needs Manage Guild` };
    }
    this.guilds.set(guild.id, now);
    if (!before) return { reason: 'no earlier invite counts to compare with' };
    const candidates: InviteUse[] = [];
    for (const [code, k] of now) {
      if (k.uses > (before.get(code)?.uses ?? 0)) candidates.push({ code, ...(k.inviter ? { inviter: k.inviter } : {}) });
    }
    for (const [code, k] of before) {
      if (!now.has(code) && k.maxUses > 0 && k.uses + 1 >= k.maxUses) candidates.push({ code, ...(k.inviter ? { inviter: k.inviter } : {}) });
    }
    if (candidates.length === 1) return { invite: candidates[0]! };
    return { reason: candidates.length === 0 ? 'no invite count changed (vanity URL, discovery, or an invite made and used between two looks)' : `${candidates.length} invites changed at once` };
  }
}

function snapshot(invites: Collection<string, Invite>): Map<string, Known> {
  return new Map(invites.map((i) => [i.code, { uses: i.uses ?? 0, maxUses: i.maxUses ?? 0, ...(i.inviterId ? { inviter: i.inviterId } : {}) }]));
}

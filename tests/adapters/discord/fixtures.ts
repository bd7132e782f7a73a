import { snowflake } from './snowflake.ts';

/** Fixtures for the fake Discord: users, a guild with channels, roles and members, and payload builders. */

export interface FakeUser {
  readonly id: string;
  readonly username: string;
  readonly global_name?: string | null;
  readonly bot?: boolean;
  readonly discriminator?: string;
  readonly avatar?: string | null;
}

export interface FakeMember {
  readonly user: FakeUser;
  roles: string[];
  readonly nick?: string | null;
  readonly joined_at: string;
}

export interface FakeRole {
  readonly id: string;
  readonly name: string;
  position: number;
  /** The permission bitfield as a decimal string, as Discord sends it. */
  readonly permissions: string;
  readonly managed?: boolean;
}

export interface FakeChannel {
  readonly id: string;
  readonly name: string;
  /** 0 text, 2 voice, 4 category, 5 announcement, 11 public thread. */
  readonly type: number;
  readonly guild_id?: string;
  readonly parent_id?: string | null;
}

export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  readonly owner_id: string;
  readonly preferred_locale: string;
  readonly system_channel_id: string | null;
  readonly channels: FakeChannel[];
  readonly roles: FakeRole[];
  readonly members: FakeMember[];
}

/** Permission bits Hearth cares about (Discord's PermissionFlagsBits). */
export const PERMS = {
  administrator: 1n << 3n,
  manageGuild: 1n << 5n,
  manageRoles: 1n << 28n,
  createInvite: 1n << 0n,
  viewChannel: 1n << 10n,
  sendMessages: 1n << 11n,
  readHistory: 1n << 16n,
  addReactions: 1n << 6n,
} as const;

export const user = (id: string, username: string, extra: Partial<FakeUser> = {}): FakeUser => ({
  id,
  username,
  global_name: username,
  discriminator: '0',
  avatar: null,
  ...extra,
});

/** When the fixtures happened: 2026-03-02 09:00 UTC. */
export const DATE = Date.parse('2026-03-02T09:00:00Z');

export const BOT = user('1000', 'hearth', { global_name: 'Hearth', bot: true });
export const ALICE = user('42', 'alice', { global_name: 'Alice' });
export const LI = user('43', 'lilei', { global_name: '李雷' });
export const MOD = user('44', 'mona', { global_name: 'Mona' });
export const OWNER = user('45', 'olga', { global_name: 'Olga' });

export const GUILD_ID = '500';
export const GENERAL = '501';
export const CORE_CHANNEL = '502';
export const THREAD = '503';
/** The moderators' channel (`staff.chat`). */
export const STAFF = '504';
export const EVERYONE_ROLE = GUILD_ID;
export const BOT_ROLE = '601';
export const MOD_ROLE = '602';
export const CORE_ROLE = '603';

const member = (u: FakeUser, roles: string[] = []): FakeMember => ({ user: u, roles, nick: null, joined_at: new Date(DATE - 86_400_000).toISOString() });

/** A guild like a brand's: a general channel, a core-tier channel, a thread, a moderator role and a tier role. */
export function brandGuild(overrides: Partial<FakeGuild> = {}): FakeGuild {
  return {
    id: GUILD_ID,
    name: 'Brand fans',
    owner_id: OWNER.id,
    preferred_locale: 'en-US',
    system_channel_id: GENERAL,
    channels: [
      { id: GENERAL, name: 'general', type: 0, guild_id: GUILD_ID, parent_id: null },
      { id: CORE_CHANNEL, name: 'core-lounge', type: 0, guild_id: GUILD_ID, parent_id: null },
      { id: THREAD, name: 'a thread', type: 11, guild_id: GUILD_ID, parent_id: GENERAL },
      { id: STAFF, name: 'mods', type: 0, guild_id: GUILD_ID, parent_id: null },
    ],
    roles: [
      { id: EVERYONE_ROLE, name: '@everyone', position: 0, permissions: String(PERMS.viewChannel | PERMS.sendMessages | PERMS.readHistory | PERMS.addReactions | PERMS.createInvite) },
      { id: BOT_ROLE, name: 'Hearth', position: 3, permissions: String(PERMS.manageRoles | PERMS.createInvite | PERMS.sendMessages), managed: true },
      { id: MOD_ROLE, name: 'Moderators', position: 2, permissions: String(PERMS.manageGuild) },
      { id: CORE_ROLE, name: 'Core', position: 1, permissions: '0' },
    ],
    members: [member(BOT, [BOT_ROLE]), member(ALICE), member(LI), member(MOD, [MOD_ROLE]), member(OWNER)],
    ...overrides,
  };
}

/** Someone's membership as GUILD_CREATE and GUILD_MEMBER_ADD send it. */
export const memberOf = member;

/** A message as MESSAGE_CREATE carries it; the id encodes `at`, as Discord's snowflakes do. */
export function messagePayload(fields: {
  channel: string;
  guild?: string | undefined;
  author: FakeUser;
  content: string;
  id?: string;
  at?: number;
  member?: FakeMember;
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  const at = fields.at ?? Date.now();
  return {
    id: fields.id ?? snowflake(at),
    channel_id: fields.channel,
    ...(fields.guild ? { guild_id: fields.guild } : {}),
    author: fields.author,
    ...(fields.guild && fields.member ? { member: { roles: fields.member.roles, joined_at: fields.member.joined_at, nick: fields.member.nick ?? null, deaf: false, mute: false } } : {}),
    content: fields.content,
    timestamp: new Date(at).toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
    ...fields.extra,
  };
}

import { ApplicationFlags, GatewayIntentBits, OAuth2Scopes, PermissionFlagsBits, PermissionsBitField } from 'discord.js';

/**
 * The gateway intents Hearth asks for. GuildMembers and MessageContent are privileged: they must
 * be switched on in the Developer Portal (Bot → Privileged Gateway Intents) or Discord closes the
 * connection with 4014; the adapter then reconnects without them (see `PRIVILEGED`).
 */
export const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.GuildMembers,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.DirectMessages,
] as const;

/** What each privileged intent is for, and what degrades without it (said at start). */
export const PRIVILEGED: ReadonlyMap<GatewayIntentBits, string> = new Map([
  [GatewayIntentBits.MessageContent, 'Message Content: without it typed text arrives empty, so only slash commands work and posts and shares earn no points'],
  [GatewayIntentBits.GuildMembers, 'Server Members: without it joins and leaves are not reported (no welcome, referral or leave tracking), a tier role promised to someone invited into the server is not granted when they join, and the member list is unavailable'],
]);

/**
 * The permissions the bot needs in a guild, and why: read and answer in channels and threads,
 * embed links in answers, read the guild's invites to tell which one a newcomer used (Manage
 * Guild), make one-use tier invites (Create Invite), and grant tier roles (Manage Roles, with the
 * bot's own role above every tier role).
 */
export const PERMISSIONS = new PermissionsBitField([
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.SendMessagesInThreads,
  PermissionFlagsBits.ReadMessageHistory,
  PermissionFlagsBits.EmbedLinks,
  PermissionFlagsBits.AddReactions,
  PermissionFlagsBits.CreateInstantInvite,
  PermissionFlagsBits.ManageGuild,
  PermissionFlagsBits.ManageRoles,
]);

/** The URL that adds the bot to a guild with its permissions and the slash-command scope. */
export function inviteUrl(applicationId: string): string {
  const params = new URLSearchParams({ client_id: applicationId, scope: [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join(' '), permissions: PERMISSIONS.bitfield.toString() });
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}

/** Whether the application's flags (READY) say Message Content is enabled in the portal. */
export function messageContentEnabled(flags: number): boolean {
  return (flags & (ApplicationFlags.GatewayMessageContent | ApplicationFlags.GatewayMessageContentLimited)) !== 0;
}

import { MessageFlags, type BaseMessageOptions, type ButtonInteraction, type ChatInputCommandInteraction, type GuildMember } from 'discord.js';
import { decodeAction } from '../../src/core/action-id.ts';
import type { ActionEvent, CommandEvent, CommandOptionValue } from '../../src/core/events.ts';
import type { Logger } from '../../src/core/logger.ts';
import { senderOf, type MappingContext } from './inbound.ts';

type Repliable = ChatInputCommandInteraction | ButtonInteraction;

function base(interaction: Repliable) {
  const guild = interaction.guild;
  const channel = interaction.channel;
  const title = channel && 'name' in channel && channel.name ? (guild ? `${guild.name} #${channel.name}` : channel.name) : undefined;
  return {
    key: `discord:${interaction.channelId}:i:${interaction.id}`,
    platform: 'discord' as const,
    chat: { platform: 'discord' as const, chatId: interaction.channelId },
    chatKind: interaction.inGuild() ? ('group' as const) : ('direct' as const),
    ...(title ? { chatTitle: title } : {}),
    ...(interaction.guildId ? { space: { platform: 'discord' as const, spaceId: interaction.guildId } } : {}),
    at: interaction.createdAt,
    interactionId: interaction.id,
  };
}

/** The member behind an interaction. Only interactions carry the member's own locale. */
function senderOfInteraction(interaction: Repliable, ctx: MappingContext) {
  const member = interaction.member && 'permissions' in interaction.member && typeof interaction.member.permissions !== 'string' ? (interaction.member as GuildMember) : undefined;
  return senderOf(interaction.user, member, ctx, interaction.locale);
}

/** A slash command as the core's command event: options by argument name, member options as users. */
export function mapCommand(interaction: ChatInputCommandInteraction, ctx: MappingContext): CommandEvent {
  const options: Record<string, CommandOptionValue> = {};
  for (const o of interaction.options.data) {
    if (o.user) {
      const member = o.member && 'displayName' in o.member ? o.member.displayName : undefined;
      const name = member ?? o.user.globalName ?? o.user.username;
      options[o.name] = { user: { platform: 'discord', userId: o.user.id }, ...(name ? { name } : {}) };
    } else if (typeof o.value === 'number' || typeof o.value === 'string') {
      options[o.name] = o.value;
    }
  }
  return { type: 'command', ...base(interaction), sender: senderOfInteraction(interaction, ctx), name: interaction.commandName, options };
}

/** A button press on one of Hearth's buttons as an action event; undefined for other bots' buttons. */
export function mapButton(interaction: ButtonInteraction, ctx: MappingContext): ActionEvent | undefined {
  const action = decodeAction(interaction.customId);
  if (!action) return undefined;
  return { type: 'action', ...base(interaction), sender: senderOfInteraction(interaction, ctx), actionId: action.command, value: action.args, messageId: interaction.message.id };
}

interface Pending {
  readonly interaction: Repliable;
  /** The first callback was a deferred reply, ephemeral or not; rejects when Discord refused it. */
  readonly deferred: Promise<boolean>;
  readonly ephemeral: boolean;
  answered: boolean;
  readonly expires: number;
}

/** Interaction tokens are good for 15 minutes. */
const TOKEN_LIFETIME_MS = 15 * 60_000;

/**
 * The interactions the bot has acknowledged and not yet answered. Discord wants a first callback
 * within 3 s, and whether an answer is private must be said in that first callback (`editReply`
 * cannot make a public answer private later), so every interaction is deferred at once —
 * ephemeral when the command is private — and the core's answer then edits the deferred reply.
 * An answer whose privacy differs from the deferral (a refusal of a public command is private)
 * is sent as a follow-up with its own flags, and the placeholder is deleted.
 */
export class PendingInteractions {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sends the first callback (a deferred reply) and remembers the interaction. */
  acknowledge(interaction: Repliable, ephemeral: boolean): Promise<boolean> {
    this.sweep();
    const deferred = interaction
      .deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {})
      .then(() => true)
      .catch((err: unknown) => {
        // Too late (10062 Unknown interaction) or already acknowledged: the answer goes to the channel instead.
        this.logger.warn({ interaction: interaction.id, err: (err as Error).message }, 'discord: could not acknowledge an interaction in time');
        return false;
      });
    this.pending.set(interaction.id, { interaction, deferred, ephemeral, answered: false, expires: this.now() + TOKEN_LIFETIME_MS });
    return deferred;
  }

  /** Whether the interaction can still be answered through its token. */
  has(interactionId: string): boolean {
    const p = this.pending.get(interactionId);
    return p !== undefined && p.expires > this.now();
  }

  /** Whether an id is an interaction's (an answer to it is never a message reply). */
  known(interactionId: string): boolean {
    return this.pending.has(interactionId);
  }

  /** Who ran the interaction. */
  userOf(interactionId: string): string | undefined {
    return this.pending.get(interactionId)?.interaction.user.id;
  }

  /**
   * Answers an interaction with message parts (the first edits the deferred reply, the rest are
   * follow-ups). Resolves false when the interaction cannot carry the answer (its acknowledgement
   * failed or its token expired): the caller then posts in the channel.
   */
  async answer(interactionId: string, parts: readonly BaseMessageOptions[], isPrivate: boolean, from: number): Promise<{ sent: number; messageId?: string } | undefined> {
    const p = this.pending.get(interactionId);
    if (!p || p.expires <= this.now() || !(await p.deferred)) return undefined;
    const flags = isPrivate ? MessageFlags.Ephemeral : undefined;
    let sent = from;
    let messageId: string | undefined;
    for (let i = from; i < parts.length; i++) {
      const part = parts[i]!;
      const message = !p.answered && p.ephemeral === isPrivate ? await p.interaction.editReply(part) : await p.interaction.followUp({ ...part, ...(flags ? { flags } : {}) });
      messageId = message.id;
      if (!p.answered && p.ephemeral !== isPrivate) await p.interaction.deleteReply().catch(() => undefined);
      p.answered = true;
      sent = i + 1;
    }
    return messageId === undefined ? { sent } : { sent, messageId };
  }

  /**
   * Called once the core has handled the interaction and `graceMs` more have passed: a deferred
   * reply nothing answered ("Hearth is thinking…") is removed.
   */
  settle(interactionId: string, graceMs: number): void {
    const timer = setTimeout(() => {
      const p = this.pending.get(interactionId);
      if (!p || p.answered) return;
      void p.deferred.then((ok) => (ok ? p.interaction.deleteReply().catch(() => undefined) : undefined));
      p.answered = true;
    }, graceMs);
    timer.unref();
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, p] of this.pending) if (p.expires <= now) this.pending.delete(id);
  }
}

import type { Capability } from '../../core/adapter.ts';
import type { Locale, Translator } from '../../core/i18n.ts';
import type { ChatRef, Platform, UserRef } from '../../core/ids.ts';
import { chatKey, parseChatKey } from '../../core/ids.ts';
import type { Body, Outbound } from '../../core/outbound.ts';
import { joinLines, seg } from '../../core/outbound.ts';
import { tagOutbound } from '../../core/outbox.ts';
import type { UndeliverableMessage } from '../../core/outbox-sender.ts';

/** How a tier's door was opened for a member. */
export type DoorVia = 'invite-link' | 'add-member' | 'staff-task';

/** The outbox origin of a door the bot opens itself: who and which tier, for the staff task if it fails. */
const DOOR_ORIGIN = 'tiers.door:';

/** A member to let into (or out of) a tier's group. */
export interface DoorRequest {
  readonly user: UserRef;
  readonly name: string;
  readonly locale: Locale;
  /** The tier's localised name. */
  readonly tierName: string;
  /** The tier's group on the member's platform, if one is bound. */
  readonly chat?: ChatRef;
  /** What the member is told: the promotion and what the tier gives. */
  readonly message: Body;
}

export interface DoorOpening {
  readonly via: DoorVia;
  /** The group the door leads to, when there is one. */
  readonly chatKey: string | null;
  readonly outs: Outbound[];
}

/**
 * Opens and closes tier doors. The tiers service decides who moves; this decides how, from what
 * the member's platform can do, so a new way in (a role grant, a room add) is one branch here.
 */
export interface TierDoors {
  open(req: DoorRequest): DoorOpening;
  /** After a demotion, when config asks for it; never a kick unless configured. */
  close(req: Omit<DoorRequest, 'message'>): Outbound[];
}

export interface CapabilityDoorsDeps {
  /** What the platform's adapter can do; undefined when no adapter for it is running. */
  readonly capabilitiesOf: (platform: Platform) => ReadonlySet<Capability> | undefined;
  readonly translator: Translator;
  /** The moderators' chat (`platform:chat-id`), where staff tasks go. */
  readonly staffChat: string | undefined;
  readonly staffLocale: Locale;
}

/**
 * Doors chosen by adapter capabilities: a one-use invite link by DM where the platform makes them
 * (`invite-links`), else a staff task in the moderators' chat plus a DM telling the member.
 */
export class CapabilityDoors implements TierDoors {
  constructor(private readonly deps: CapabilityDoorsDeps) {}

  open(req: DoorRequest): DoorOpening {
    const caps = req.chat ? this.deps.capabilitiesOf(req.chat.platform) : undefined;
    if (req.chat && caps?.has('add-member')) {
      // WeChat: the bot adds the member to the room itself, else sends its QR code; when both fail
      // the adapter says `needs_staff` and `undeliverable` turns it into a staff task.
      const out = tagOutbound({ type: 'invite', user: req.user, door: { kind: 'chat', chat: req.chat }, body: req.message }, { origin: `${DOOR_ORIGIN}${JSON.stringify([req.name, req.tierName])}` });
      return { via: 'add-member', chatKey: chatKey(req.chat), outs: [out] };
    }
    if (req.chat && caps?.has('invite-links')) {
      return { via: 'invite-link', chatKey: chatKey(req.chat), outs: [{ type: 'invite', user: req.user, door: { kind: 'chat', chat: req.chat }, body: req.message }] };
    }
    const t = (key: string, params: Record<string, string>) => this.deps.translator.t(req.locale, key, params);
    const outs: Outbound[] = [
      { type: 'dm', user: req.user, name: req.name, body: joinLines([req.message, t('tiers.door_by_staff', { tier: req.tierName })]) },
      ...this.staffTask(req.chat ? 'tiers.staff_add' : 'tiers.staff_no_group', req),
    ];
    return { via: 'staff-task', chatKey: req.chat ? chatKey(req.chat) : null, outs };
  }

  /**
   * A door the bot could not open itself (the member could be neither added nor sent the room's
   * QR code): the staff task to add them by hand. Nothing for other messages.
   */
  undeliverable(failed: UndeliverableMessage): Outbound[] {
    const origin = failed.origin;
    if (!origin?.startsWith(DOOR_ORIGIN) || failed.out.type !== 'invite' || failed.out.door.kind !== 'chat') return [];
    const [name, tierName] = JSON.parse(origin.slice(DOOR_ORIGIN.length)) as [string, string];
    return this.staffTask('tiers.staff_add', { user: failed.out.user, name, tierName, chat: failed.out.door.chat, locale: this.deps.staffLocale });
  }

  close(req: Omit<DoorRequest, 'message'>): Outbound[] {
    return req.chat ? this.staffTask('tiers.staff_remove', req) : [];
  }

  private staffTask(key: string, req: Omit<DoorRequest, 'message'>): Outbound[] {
    const { staffChat, translator, staffLocale } = this.deps;
    if (!staffChat) return [];
    const body = translator.t(staffLocale, key, { member: [seg.mention(req.user, req.name)], tier: req.tierName, group: req.chat ? chatKey(req.chat) : '' });
    return [{ type: 'send', chat: parseChatKey(staffChat), body }];
  }
}

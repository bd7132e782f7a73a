import type { Capability } from '../../core/adapter.ts';
import type { Locale, Translator } from '../../core/i18n.ts';
import type { ChatRef, Platform, SpaceRef, UserRef } from '../../core/ids.ts';
import { chatKey, parseChatKey, spaceKey } from '../../core/ids.ts';
import type { Body, Outbound } from '../../core/outbound.ts';
import { joinLines, seg } from '../../core/outbound.ts';
import { tagOutbound } from '../../core/outbox.ts';
import type { UndeliverableMessage } from '../../core/outbox-sender.ts';

/** How a tier's door was opened for a member. */
export type DoorVia = 'invite-link' | 'add-member' | 'staff-task' | 'role-grant';

/** The platform role that is a tier in a space (`tiers[].roles` in community.yaml). */
export interface TierRole {
  readonly space: SpaceRef;
  readonly roleId: string;
}

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
  /** The tier's role in a space of the member's platform, if one is bound: it wins over the group. */
  readonly role?: TierRole;
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
    if (req.role) return this.grantRole(req, req.role);
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
    const role = req.role ? this.removeRole(req, req.role) : [];
    return [...role, ...(req.chat ? this.staffTask('tiers.staff_remove', req) : [])];
  }

  /**
   * A role door: the adapter grants the role (and, to someone not in the space yet, sends an
   * invite and grants it when they join); without `role-grant` a staff task says which role.
   */
  private grantRole(req: DoorRequest, role: TierRole): DoorOpening {
    const door = { kind: 'role', space: role.space, roleId: role.roleId } as const;
    if (this.deps.capabilitiesOf(role.space.platform)?.has('role-grant')) {
      return { via: 'role-grant', chatKey: req.chat ? chatKey(req.chat) : null, outs: [{ type: 'invite', user: req.user, door, body: req.message }] };
    }
    const t = (key: string, params: Record<string, string>) => this.deps.translator.t(req.locale, key, params);
    const outs: Outbound[] = [{ type: 'dm', user: req.user, name: req.name, body: joinLines([req.message, t('tiers.door_by_staff', { tier: req.tierName })]) }, ...this.staffTask('tiers.staff_grant_role', req)];
    return { via: 'staff-task', chatKey: req.chat ? chatKey(req.chat) : null, outs };
  }

  /** After a demotion: the adapter removes the role where it can, else a staff task says which. */
  private removeRole(req: Omit<DoorRequest, 'message'>, role: TierRole): Outbound[] {
    if (this.deps.capabilitiesOf(role.space.platform)?.has('role-grant')) return [{ type: 'revoke', user: req.user, door: { kind: 'role', space: role.space, roleId: role.roleId }, body: [] }];
    return this.staffTask('tiers.staff_remove_role', req);
  }

  private staffTask(key: string, req: Omit<DoorRequest, 'message'>): Outbound[] {
    const { staffChat, translator, staffLocale } = this.deps;
    if (!staffChat) return [];
    const body = translator.t(staffLocale, key, { member: [seg.mention(req.user, req.name)], tier: req.tierName, group: req.chat ? chatKey(req.chat) : '', role: req.role?.roleId ?? '', space: req.role ? spaceKey(req.role.space) : '' });
    return [{ type: 'send', chat: parseChatKey(staffChat), body }];
  }
}

import { describe, expect, it } from 'vitest';
import { loadMessages } from '../../src/config/load.ts';
import type { Capability } from '../../src/core/adapter.ts';
import { Translator } from '../../src/core/i18n.ts';
import type { Platform } from '../../src/core/ids.ts';
import { renderPlain, seg } from '../../src/core/outbound.ts';
import { CapabilityDoors, type DoorRequest } from '../../src/features/tiers/index.ts';
import { CONTENT_DIR } from '../helpers/harness.ts';

const translator = new Translator(loadMessages(CONTENT_DIR));
const user = { platform: 'discord' as const, userId: '42' };
const role = { space: { platform: 'discord' as const, spaceId: '500' }, roleId: '603' };
const chat = { platform: 'discord' as const, chatId: '510' };
const request: DoorRequest = { user, name: 'Alice', locale: 'en', tierName: 'Core', message: [seg.text('You are now Core.')] };

function doors(caps: Partial<Record<Platform, Capability[]>>) {
  return new CapabilityDoors({ capabilitiesOf: (p) => (caps[p] ? new Set(caps[p]) : undefined), translator, staffChat: 'discord:900', staffLocale: 'en' });
}

describe('tier doors with a role bound to the tier', () => {
  it('given a platform that grants roles, when the door opens, then the role is the door (it wins over the group) and the member is told', () => {
    const opening = doors({ discord: ['role-grant', 'invite-links'] }).open({ ...request, chat, role });
    expect(opening).toEqual({ via: 'role-grant', chatKey: 'discord:510', outs: [{ type: 'invite', user, door: { kind: 'role', ...role }, body: request.message }] });
  });

  it('given a platform that grants roles, when the door closes, then a revoke of the same role door is sent, and the group is left to staff', () => {
    expect(doors({ discord: ['role-grant'] }).close({ ...request, role })).toEqual([{ type: 'revoke', user, door: { kind: 'role', ...role }, body: [] }]);
    const both = doors({ discord: ['role-grant'] }).close({ ...request, role, chat });
    expect(both.map((o) => o.type)).toEqual(['revoke', 'send']);
  });

  it('given the adapter cannot grant roles (not running), when the door opens and closes, then staff are asked to grant and to remove that role, naming it', () => {
    const d = doors({});
    const opening = d.open({ ...request, role });
    expect(opening.via).toBe('staff-task');
    expect(opening.outs.map((o) => o.type)).toEqual(['dm', 'send']);
    expect(renderPlain(opening.outs[1]!.body)).toBe('@Alice is now Core: please give them the role 603 in discord:500 (the bot cannot grant roles there).');
    const [task] = d.close({ ...request, role });
    expect(task).toMatchObject({ type: 'send', chat: { platform: 'discord', chatId: '900' } });
    expect(renderPlain(task!.body)).toBe('@Alice moved down from Core: please take the role 603 in discord:500 away from them (the bot cannot remove roles there).');
  });

  it('given no role bound, then doors behave as before: an invite link where the platform makes them, nothing to close without a group', () => {
    const d = doors({ discord: ['role-grant', 'invite-links'] });
    expect(d.open({ ...request, chat }).outs).toEqual([{ type: 'invite', user, door: { kind: 'chat', chat }, body: request.message }]);
    expect(d.close(request)).toEqual([]);
  });
});

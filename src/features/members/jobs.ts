import type { PlatformAdapter } from '../../core/adapter.ts';
import { localDay } from '../../core/clock.ts';
import type { InboundEvent } from '../../core/events.ts';
import { parseChatKey } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { ScheduledJob } from '../../core/scheduler.ts';
import type { GroupService } from '../groups/index.ts';
import type { MembersService } from './service.ts';

export interface ReconcileJobDeps {
  readonly members: MembersService;
  readonly groups: GroupService;
  /** The running adapters (the outbound router's). */
  readonly adapters: () => readonly PlatformAdapter[];
  /** The dispatcher: synthesised leaves take the path every event takes. */
  readonly dispatch: (event: InboundEvent) => Promise<unknown>;
  readonly timeZone: string;
  readonly logger: Logger;
}

/** When the reconcile runs: before the referral payout (09:00) and the default quiet scan (10:00). */
export const RECONCILE_CRON = '0 5 * * *';

/** Whether a platform needs the reconcile: it can list members but does not report leaves itself. */
export function needsReconcile(adapter: PlatformAdapter): boolean {
  return adapter.capabilities.has('member-list') && !adapter.capabilities.has('member-leave-events') && adapter.listMembers !== undefined;
}

/**
 * Daily (`members.reconcile`): on platforms with a member list but no leave events (WeChat does not
 * report members who leave by themselves), everyone recorded in a group who is no longer in its
 * list gets a synthesised `member.left` through the dispatcher, so the quiet scan stops flagging
 * them and their referral is never paid — exactly as if the platform had reported the leave. The
 * key names the group, the member and the local day, so a double fire leaves nobody twice.
 * A group whose list fails or comes back empty (the bot was removed, a login dropped) is skipped:
 * a missing list never empties a group.
 */
export function memberReconcileJob(deps: ReconcileJobDeps): ScheduledJob {
  return {
    id: 'members.reconcile',
    cron: RECONCILE_CRON,
    timeZone: deps.timeZone,
    async run(slot) {
      const day = localDay(slot, deps.timeZone);
      for (const adapter of deps.adapters().filter(needsReconcile)) {
        for (const group of deps.groups.all().filter((g) => g.platform === adapter.platform)) {
          const chat = parseChatKey(group.chatKey);
          let listed;
          try {
            listed = await adapter.listMembers!(chat);
          } catch (err) {
            deps.logger.warn({ err, chat: group.chatKey }, 'member list unavailable; reconcile skipped for this group');
            continue;
          }
          if (listed.length === 0) continue;
          const present = new Set(listed.map((s) => s.user.userId));
          for (const gone of deps.members.recordedIn(group.chatKey, adapter.platform).filter((m) => !present.has(m.userId))) {
            await deps.dispatch({
              type: 'member.left',
              key: `${group.chatKey}:reconcile-left:${gone.userId}:${day}`,
              platform: adapter.platform,
              chat,
              chatKind: 'group',
              at: slot,
              member: { user: { platform: adapter.platform, userId: gone.userId }, name: gone.name },
            });
          }
        }
      }
    },
  };
}

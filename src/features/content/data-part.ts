import { type MemberDataPart } from '../members/index.ts';

/** Posts the bot made (a leaderboard names members) lose an erased member's name; nothing else here is about a member. */
export function contentDataPart(): MemberDataPart {
  return {
    feature: 'content',
    tables: ['content_runs', 'content_state'],
    erase(step) {
      step.scrubColumn('content_runs', 'body');
      step.scrubColumn('content_runs', 'error');
    },
  };
}

import { type MemberDataPart } from '../members/index.ts';

/** Groups hold no member's data (titles are the groups'); the part claims the table so the check that every table is covered passes knowingly. */
export function groupsDataPart(): MemberDataPart {
  return { feature: 'groups', tables: ['groups'] };
}

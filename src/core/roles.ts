/** Hearth's roles, weakest first. Permission is `atLeast(actor, required)`, checked only by the dispatcher. */
export const ROLES = ['member', 'moderator', 'operator', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function atLeast(role: Role, required: Role): boolean {
  return roleRank(role) >= roleRank(required);
}

/** The stronger of several roles. */
export function strongest(roles: Iterable<Role>): Role {
  let best: Role = 'member';
  for (const r of roles) if (roleRank(r) > roleRank(best)) best = r;
  return best;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

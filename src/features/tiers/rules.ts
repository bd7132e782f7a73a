import type { TierRule } from '../../config/schema.ts';

/** The figures tier rules are judged on, for one member at one moment. */
export interface MemberStats {
  readonly lifetimePoints: number;
  /** Local days with any interaction in the review window. */
  readonly activeDays: number;
  /** The check-in streak still alive (last check-in today or yesterday). */
  readonly streak: number;
  /** Messages in groups in the review window. */
  readonly posts: number;
  readonly shares: number;
  /** Recorded orders and their amount, lifetime. */
  readonly orders: number;
  readonly spend: number;
  readonly daysInTier: number;
}

export type Requirement = keyof TierRule;

/** The order requirements are listed in (`/tier`, review notes): what the plans tier on first. */
export const REQUIREMENTS: readonly Requirement[] = ['orders', 'spend', 'activeDays', 'streak', 'lifetimePoints', 'posts', 'shares', 'daysInTier'];

/** One requirement of a set, with where the member stands. */
export interface RequirementProgress {
  readonly requirement: Requirement;
  readonly have: number;
  readonly need: number;
  readonly met: boolean;
}

/** Every requirement of one set, in `REQUIREMENTS` order. */
export function setProgress(stats: MemberStats, rule: TierRule): RequirementProgress[] {
  return REQUIREMENTS.flatMap((r) => {
    const need = rule[r];
    if (need === undefined) return [];
    const have = stats[r];
    return [{ requirement: r, have, need, met: have >= need }];
  });
}

/** Whether every requirement of the set is met. */
export function meetsSet(stats: MemberStats, rule: TierRule): boolean {
  return setProgress(stats, rule).every((p) => p.met);
}

/** Whether any alternative is met in full; no rules at all are always met. */
export function meets(stats: MemberStats, rules: readonly TierRule[] | undefined): boolean {
  return rules === undefined || rules.some((r) => meetsSet(stats, r));
}

/**
 * The alternative the member is closest to (a met one if any; else the one with the largest
 * share of its requirements covered), for `/tier` and warnings: "3 of 4 orders, 18 of 20 active days".
 */
export function closest(stats: MemberStats, rules: readonly TierRule[]): RequirementProgress[] {
  let best: RequirementProgress[] = [];
  let bestScore = -1;
  for (const rule of rules) {
    const items = setProgress(stats, rule);
    const score = items.every((i) => i.met) ? 2 : items.reduce((sum, i) => sum + Math.min(1, i.need === 0 ? 1 : i.have / i.need), 0) / items.length;
    if (score > bestScore) {
      best = items;
      bestScore = score;
    }
  }
  return best;
}

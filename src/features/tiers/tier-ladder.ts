import type { CommunityConfig, TierConfig } from '../../config/schema.ts';
import type { Locale } from '../../core/i18n.ts';

/** The tier ladder from config: order, names and multipliers. */
export class TierService {
  private readonly byId: Map<string, { tier: TierConfig; rank: number }>;

  constructor(private readonly config: CommunityConfig) {
    this.byId = new Map(config.tiers.map((tier, rank) => [tier.id, { tier, rank }]));
  }

  get ids(): string[] {
    return this.config.tiers.map((t) => t.id);
  }

  get lowest(): string {
    return this.config.tiers[0]!.id;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** 0 for the lowest tier; unknown tiers rank lowest. */
  rank(id: string): number {
    return this.byId.get(id)?.rank ?? 0;
  }

  multiplier(id: string): number {
    return this.byId.get(id)?.tier.multiplier ?? 1;
  }

  /** The higher of two tiers. */
  higher(a: string, b: string): string {
    return this.rank(b) > this.rank(a) ? b : a;
  }

  name(id: string, locale: Locale): string {
    const n = this.byId.get(id)?.tier.name;
    if (n === undefined) return id;
    return typeof n === 'string' ? n : n[locale];
  }
}

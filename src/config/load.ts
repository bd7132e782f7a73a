import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { MessageCatalog } from '../core/i18n.ts';
import { LOCALES } from '../core/i18n.ts';
import type { CommunityConfig, RewardsConfig } from './schema.ts';
import { communitySchema, rewardsSchema } from './schema.ts';

/**
 * A config or content file that cannot be used: names the file, the path inside it and what was
 * expected, so an operator can fix it without reading code.
 */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly { path: string; message: string }[],
  ) {
    super(`${file}:\n${problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Formats a zod path like `groups[0].tier`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
}

/** Reads a YAML file; syntax errors name the file, line and column. */
export function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `cannot read: ${(err as Error).message}` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '', message: e.message.split('\n')[0]! })),
    );
  }
  return doc.toJS();
}

/** Validates data read from `file` against a zod schema, or throws a ConfigError naming every problem. */
export function validate<S extends z.ZodType>(file: string, schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new ConfigError(
      file,
      result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  }
  return result.data;
}

/** Everything read from `content/`. */
export interface Content {
  readonly dir: string;
  readonly community: CommunityConfig;
  readonly messages: MessageCatalog;
  /** `rewards.yaml` (an empty shop when the file is absent). */
  readonly rewards: RewardsConfig;
}

/** Loads and validates `content/community.yaml` and the message catalogues. */
export function loadContent(dir: string): Content {
  const communityFile = join(dir, 'community.yaml');
  const community = validate(communityFile, communitySchema, readYaml(communityFile));
  const rewards = loadRewards(dir);
  const tiers = new Set(community.tiers.map((t) => t.id));
  const unknown = rewards.rewards.flatMap((r, i) => (r.minTier !== undefined && !tiers.has(r.minTier) ? [{ path: `rewards[${i}].minTier`, message: `unknown tier "${r.minTier}" (tiers: ${[...tiers].join(', ')})` }] : []));
  if (unknown.length > 0) throw new ConfigError(join(dir, 'rewards.yaml'), unknown);
  const coupon = community.journey.welcome.giftCoupon;
  if (coupon && rewards.rewards.find((r) => r.sku === coupon.sku)?.kind !== 'code') {
    const codes = rewards.rewards.filter((r) => r.kind === 'code').map((r) => r.sku);
    throw new ConfigError(communityFile, [{ path: 'journey.welcome.giftCoupon.sku', message: `"${coupon.sku}" is not a code reward in rewards.yaml (code rewards: ${codes.join(', ') || 'none'})` }]);
  }
  return { dir, community, messages: loadMessages(dir), rewards };
}

/** Loads and validates `rewards.yaml`; a missing file is an empty shop. */
export function loadRewards(dir: string): RewardsConfig {
  const file = join(dir, 'rewards.yaml');
  return validate(file, rewardsSchema, existsSync(file) ? (readYaml(file) ?? {}) : {});
}

/** Loads `messages/<locale>.yaml` for every shipped locale; every value must be a string. */
export function loadMessages(dir: string): MessageCatalog {
  const catalog: Record<string, Record<string, string>> = {};
  for (const locale of LOCALES) {
    const file = join(dir, 'messages', `${locale}.yaml`);
    const data = readYaml(file);
    if (typeof data !== 'object' || data === null) throw new ConfigError(file, [{ path: '', message: 'expected a mapping of message keys' }]);
    const flat: Record<string, string> = {};
    const problems: { path: string; message: string }[] = [];
    flatten(data as Record<string, unknown>, '', flat, problems);
    if (problems.length > 0) throw new ConfigError(file, problems);
    catalog[locale] = flat;
  }
  // A key in one language only would silently reach members in the other: refuse it by name.
  const all = new Set(LOCALES.flatMap((l) => Object.keys(catalog[l]!)));
  for (const locale of LOCALES) {
    const missing = [...all].filter((k) => !(k in catalog[locale]!));
    if (missing.length > 0) {
      throw new ConfigError(
        join(dir, 'messages', `${locale}.yaml`),
        missing.map((k) => ({ path: k, message: `missing (present in ${LOCALES.filter((l) => l !== locale && k in catalog[l]!).map((l) => `messages/${l}.yaml`).join(', ')})` })),
      );
    }
  }
  return catalog as MessageCatalog;
}

function flatten(obj: Record<string, unknown>, prefix: string, out: Record<string, string>, problems: { path: string; message: string }[]): void {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'object' && v !== null && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out, problems);
    else problems.push({ path: key, message: 'expected text' });
  }
}

import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { isTimeZone, localDay, offsetMs } from '../../core/clock.ts';
import { LOCALES, type Locale } from '../../core/i18n.ts';
import { PLATFORMS, type Platform } from '../../core/ids.ts';
import { readFrontMatter } from '../../config/front-matter.ts';
import { ConfigError, validate } from '../../config/load.ts';

/** What a campaign is: a topic discussion, a user-content call (UGC 征集) or a contest. */
export const CAMPAIGN_KINDS = ['topic', 'ugc', 'contest'] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];

/** How winners are chosen: moderators pick them, the most reactions, or a draw with a recorded seed. */
export const WINNER_RULES = ['moderators', 'reactions', 'draw'] as const;
export type WinnerRule = (typeof WINNER_RULES)[number];

/** How a message is recognised as an entry. */
export type EntryRule =
  | { readonly by: 'hashtag' | 'keyword'; readonly tag: string }
  | { readonly by: 'media' }
  /** A reply to the campaign's announcement (or a reminder) in the group. */
  | { readonly by: 'reply' };

/**
 * One campaign, validated: from `content/campaigns/*.md` or `/campaign new`. Instants are ms;
 * the window is `[start, end)`. Stored as JSON on the campaign's row, so a chat-made campaign
 * survives a restart like a file's.
 */
export interface CampaignDef {
  readonly id: string;
  readonly source: 'pack' | 'chat';
  /** The file it came from (pack campaigns). */
  readonly file?: string;
  readonly kind: CampaignKind;
  readonly title: Readonly<Partial<Record<Locale, string>>>;
  /** The announcement body in each locale it was written in. */
  readonly bodies: Readonly<Partial<Record<Locale, string>>>;
  readonly defaultLocale: Locale;
  readonly timeZone: string;
  readonly start: number;
  readonly end: number;
  readonly targets: { readonly tiers: readonly string[]; readonly groups: readonly string[]; readonly platforms: readonly Platform[] };
  readonly entry: EntryRule;
  /** Points per accepted entry. */
  readonly points: number;
  /** Accepted (or waiting) entries per member; more earn nothing and do not count. */
  readonly perMember: number;
  /** Entries wait for a moderator (`/entry approve|reject`) before they count and pay. */
  readonly review: boolean;
  readonly winners: { readonly by: WinnerRule; readonly count: number; readonly seed?: string };
  /** What each winner gets: points, a reward from the shop, or both. */
  readonly prize: { readonly points: number; readonly reward?: string };
  /** Reminder instants inside the window. */
  readonly reminders: readonly number[];
}

const LOCAL_MOMENT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T]([01]\d|2[0-3]):([0-5]\d))?$/;

/**
 * A local date (`2026-03-02`, the start of that day) or date and time (`2026-03-02 09:00`) in a
 * zone, as an instant; undefined for anything else (`2026-02-30` included). `endOfDay`: a bare
 * date means the end of that day (the next midnight), as an end date is read.
 */
export function parseLocalMoment(value: string, timeZone: string, endOfDay = false): number | undefined {
  const m = LOCAL_MOMENT.exec(value.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const naive = Date.UTC(y, mo - 1, d, m[4] === undefined ? 0 : Number(m[4]), m[5] === undefined ? 0 : Number(m[5]));
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
  const shift = m[4] === undefined && endOfDay ? 86_400_000 : 0;
  // Guess with the offset at the naive instant, then correct once with the offset there.
  let t = naive + shift - offsetMs(new Date(naive + shift), timeZone);
  t = naive + shift - offsetMs(new Date(t), timeZone);
  return t;
}

const moment = z.union([z.string(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v));
const localised = z.union([z.string().trim().min(1, { message: 'the title is empty' }), z
    .partialRecord(z.enum(LOCALES), z.string().trim().min(1, { message: 'the title is empty' }))
    .refine((t) => Object.keys(t).length > 0, { message: 'the title is empty' }),
]);

function frontMatterSchema(tiers: readonly string[]) {
  return z
    .object({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'expected a lowercase id such as coffee-moment' }),
      kind: z.enum(CAMPAIGN_KINDS).default('ugc'),
      title: localised,
      timezone: z.string().refine(isTimeZone, { message: 'expected an IANA time zone such as Asia/Shanghai' }).optional(),
      start: moment,
      end: moment,
      targets: z
        .object({
          tiers: z.array(z.string()).default([]),
          groups: z.array(z.string().regex(new RegExp(`^(${PLATFORMS.join('|')}):.+$`), { message: 'expected platform:chat-id' })).default([]),
          platforms: z.array(z.enum(PLATFORMS)).default([]),
        })
        .strict()
        .default({ tiers: [], groups: [], platforms: [] }),
      entry: z
        .object({ hashtag: z.string().trim().min(2).optional(), keyword: z.string().trim().min(1).optional(), media: z.literal(true).optional(), reply: z.literal(true).optional() })
        .strict()
        .refine((e) => Object.keys(e).length === 1, { message: 'give exactly one of hashtag, keyword, media: true or reply: true' }),
      points: z.number().int().min(0).default(10),
      perMember: z.number().int().min(1).default(3),
      review: z.boolean().default(false),
      winners: z
        .object({ by: z.enum(WINNER_RULES), count: z.number().int().min(1).max(50).default(1), seed: z.string().min(1).optional() })
        .strict()
        .default({ by: 'moderators', count: 1 }),
      prize: z.object({ points: z.number().int().min(0).default(0), reward: z.string().min(1).optional() }).strict().default({ points: 0 }),
      reminders: z.array(moment).default([]),
      locale: z.enum(LOCALES).optional(),
      variants: z.partialRecord(z.enum(LOCALES), z.string().min(1)).default({}),
    })
    .strict()
    .superRefine((fm, ctx) => {
      fm.targets.tiers.forEach((t, i) => {
        if (!tiers.includes(t)) ctx.addIssue({ code: 'custom', path: ['targets', 'tiers', i], message: `unknown tier "${t}" (tiers: ${tiers.join(', ')})` });
      });
    });
}

export interface PackOptions {
  readonly tiers: readonly string[];
  readonly defaultLocale: Locale;
  /** The community's zone, for campaigns that name none. */
  readonly timeZone: string;
  /** The reward SKUs a prize may name. */
  readonly rewards: readonly string[];
}

/**
 * Reads and validates `content/campaigns/*.md`. Throws a ConfigError naming the file and the field
 * for the first file that is wrong (a bad date, an unknown tier, an empty title…), so a bad pack
 * is refused whole, as posts are.
 */
export function loadCampaignPack(contentDir: string, options: PackOptions): CampaignDef[] {
  const dir = join(contentDir, 'campaigns');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md')).sort() : [];
  const schema = frontMatterSchema(options.tiers);
  const out: CampaignDef[] = [];
  const seen = new Map<string, string>();
  for (const name of files) {
    const file = join(dir, name);
    const parsed = readFrontMatter(file);
    const fm = validate(file, schema, parsed.data);
    const fail = (path: string, message: string): never => {
      throw new ConfigError(file, [{ path, message }]);
    };
    const body = parsed.content.trim();
    if (body === '') fail('body', 'the campaign has no announcement text');
    if (seen.has(fm.id)) fail('id', `duplicate campaign id "${fm.id}" (also in ${seen.get(fm.id)})`);
    seen.set(fm.id, basename(file));
    const timeZone = fm.timezone ?? options.timeZone;
    const start = parseLocalMoment(fm.start, timeZone) ?? fail('start', `expected a date like 2026-03-02 or 2026-03-02 09:00, got "${fm.start}"`);
    const end = parseLocalMoment(fm.end, timeZone, true) ?? fail('end', `expected a date like 2026-03-08 or 2026-03-08 22:00, got "${fm.end}"`);
    if (end <= start) fail('end', 'end is not after start');
    const reminders = fm.reminders.map((r, i) => {
      const t = parseLocalMoment(r, timeZone) ?? fail(`reminders[${i}]`, `expected a date and time like 2026-03-05 20:00, got "${r}"`);
      if (t <= start || t >= end) fail(`reminders[${i}]`, `"${r}" is not inside the campaign (${localDay(new Date(start), timeZone)} – ${localDay(new Date(end - 1), timeZone)})`);
      return t;
    });
    if (fm.prize.reward !== undefined && !options.rewards.includes(fm.prize.reward)) fail('prize.reward', `unknown reward "${fm.prize.reward}" (rewards.yaml has: ${options.rewards.join(', ') || 'none'})`);
    const defaultLocale = fm.locale ?? options.defaultLocale;
    const e = fm.entry;
    const entry: EntryRule = e.hashtag !== undefined ? { by: 'hashtag', tag: e.hashtag.startsWith('#') || e.hashtag.startsWith('＃') ? e.hashtag : `#${e.hashtag}` } : e.keyword !== undefined ? { by: 'keyword', tag: e.keyword } : e.media ? { by: 'media' } : { by: 'reply' };
    out.push({
      id: fm.id,
      source: 'pack',
      file,
      kind: fm.kind,
      title: typeof fm.title === 'string' ? { [defaultLocale]: fm.title } : fm.title,
      bodies: { ...fm.variants, [defaultLocale]: body },
      defaultLocale,
      timeZone,
      start,
      end,
      targets: fm.targets,
      entry,
      points: fm.points,
      perMember: fm.perMember,
      review: fm.review,
      winners: { by: fm.winners.by, count: fm.winners.count, ...(fm.winners.seed !== undefined ? { seed: fm.winners.seed } : {}) },
      prize: { points: fm.prize.points, ...(fm.prize.reward !== undefined ? { reward: fm.prize.reward } : {}) },
      reminders,
    });
  }
  return out;
}

/** A campaign's title in a locale (its default locale's where it was not written in that one). */
export function titleOf(def: CampaignDef, locale: Locale): string {
  return def.title[locale] ?? def.title[def.defaultLocale] ?? Object.values(def.title)[0] ?? def.id;
}

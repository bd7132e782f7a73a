import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { isTimeZone } from '../../core/clock.ts';
import { assertCron } from '../../core/cron.ts';
import { LOCALES, type Locale } from '../../core/i18n.ts';
import { PLATFORMS, type Platform } from '../../core/ids.ts';
import { readFrontMatter } from '../../config/front-matter.ts';
import { ConfigError, readYaml, validate } from '../../config/load.ts';
import { LIVE_VALUES, unknownPlaceholders } from './render.ts';

/** One scheduled post, validated and ready to schedule. */
export interface Post {
  readonly id: string;
  readonly file: string;
  readonly title: string;
  /** Five-field cron; date-bound posts (`dates`, `holiday`) run at `time` daily, filtered by `days`. */
  readonly cron: string;
  /** The schedule as the front matter said it, for `/posts`: the cron, or `09:00 on spring-festival`. */
  readonly schedule: string;
  /** Local days (`YYYY-MM-DD`) the post may run on; undefined means every day the cron allows. */
  readonly days?: ReadonlySet<string>;
  /** The post's zone; undefined means the community's. A group's own zone wins over both. */
  readonly timeZone?: string;
  readonly targets: { readonly tiers: readonly string[]; readonly groups: readonly string[]; readonly platforms: readonly Platform[] };
  /** The body in each locale it was written in; `defaultLocale` is the Markdown body's. */
  readonly bodies: Readonly<Partial<Record<Locale, string>>>;
  readonly defaultLocale: Locale;
  readonly enabled: boolean;
  /** First and last local day (inclusive) the post may run. */
  readonly start?: string;
  readonly end?: string;
  readonly skipIfQuiet: boolean;
}

/** The content calendar: every post in `content/posts`, by id. */
export interface Pack {
  readonly posts: readonly Post[];
  readonly byId: ReadonlyMap<string, Post>;
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date like 2026-02-17' });
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected a local time like 09:00' });

/** `content/holidays.yaml`: holiday → the dates it falls on, kept as data instead of computed. */
const holidaysSchema = z.record(
  z.string().regex(/^[a-z][a-z0-9-]*$/, { message: 'expected a lowercase id such as spring-festival' }),
  z.object({ name: z.union([z.string(), z.object({ 'zh-CN': z.string(), en: z.string() }).strict()]).optional(), dates: z.array(day).min(1) }).strict(),
);

/** What the front matter of a post may say. Exactly one schedule: `cron`, or `time` with `dates`/`holiday`. */
function frontMatterSchema(tiers: readonly string[], holidays: ReadonlyMap<string, readonly string[]>) {
  return z
    .object({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'expected a lowercase id such as daily-checkin' }),
      title: z.string().optional(),
      cron: z.string().optional(),
      time: clockTime.optional(),
      dates: z.array(day).optional(),
      holiday: z.string().optional(),
      timezone: z.string().refine(isTimeZone, { message: 'expected an IANA time zone such as Asia/Shanghai' }).optional(),
      targets: z
        .object({
          tiers: z.array(z.string()).default([]),
          groups: z.array(z.string().regex(new RegExp(`^(${PLATFORMS.join('|')}):.+$`), { message: 'expected platform:chat-id' })).default([]),
          platforms: z.array(z.enum(PLATFORMS)).default([]),
        })
        .strict()
        .default({ tiers: [], groups: [], platforms: [] }),
      locale: z.enum(LOCALES).optional(),
      variants: z.partialRecord(z.enum(LOCALES), z.string().min(1)).default({}),
      enabled: z.boolean().default(true),
      start: day.optional(),
      end: day.optional(),
      skipIfQuiet: z.boolean().default(false),
    })
    .strict()
    .superRefine((fm, ctx) => {
      const dated = fm.dates !== undefined || fm.holiday !== undefined;
      if (fm.cron !== undefined && (dated || fm.time !== undefined)) ctx.addIssue({ code: 'custom', path: ['cron'], message: 'give either cron, or time with dates/holiday, not both' });
      if (fm.cron === undefined && !dated) ctx.addIssue({ code: 'custom', path: ['cron'], message: 'expected a schedule: cron, or time with dates or holiday' });
      if (dated && fm.time === undefined) ctx.addIssue({ code: 'custom', path: ['time'], message: 'a post with dates or holiday needs time (local, like 09:00)' });
      if (fm.cron !== undefined) {
        try {
          assertCron(fm.cron);
        } catch (err) {
          ctx.addIssue({ code: 'custom', path: ['cron'], message: `invalid cron "${fm.cron}": ${(err as Error).message}` });
        }
      }
      if (fm.holiday !== undefined && !holidays.has(fm.holiday))
        ctx.addIssue({ code: 'custom', path: ['holiday'], message: `unknown holiday "${fm.holiday}" (holidays.yaml has: ${[...holidays.keys()].join(', ') || 'none'})` });
      fm.targets.tiers.forEach((t, i) => {
        if (!tiers.includes(t)) ctx.addIssue({ code: 'custom', path: ['targets', 'tiers', i], message: `unknown tier "${t}" (tiers: ${tiers.join(', ')})` });
      });
      if (fm.start !== undefined && fm.end !== undefined && fm.end < fm.start) ctx.addIssue({ code: 'custom', path: ['end'], message: 'end is before start' });
    });
}

/**
 * Reads and validates `content/posts/*.md` (and `content/holidays.yaml`). Throws a ConfigError
 * naming the file and the field for the first file that is wrong, so a bad pack is refused whole.
 */
export function loadPack(contentDir: string, options: { readonly tiers: readonly string[]; readonly defaultLocale: Locale }): Pack {
  const holidaysFile = join(contentDir, 'holidays.yaml');
  const holidays = new Map<string, readonly string[]>();
  if (existsSync(holidaysFile)) {
    for (const [id, h] of Object.entries(validate(holidaysFile, holidaysSchema, readYaml(holidaysFile) ?? {}))) holidays.set(id, h.dates);
  }
  const dir = join(contentDir, 'posts');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md')).sort() : [];
  const schema = frontMatterSchema(options.tiers, holidays);
  const posts: Post[] = [];
  const byId = new Map<string, Post>();
  for (const name of files) {
    const file = join(dir, name);
    const parsed = readFrontMatter(file);
    const fm = validate(file, schema, parsed.data);
    const body = parsed.content.trim();
    if (body === '') throw new ConfigError(file, [{ path: 'body', message: 'the post has no text' }]);
    for (const [path, text] of [['body', body], ...Object.entries(fm.variants).map(([l, t]) => [`variants.${l}`, t] as const)] as const) {
      const unknown = unknownPlaceholders(text);
      if (unknown.length > 0) throw new ConfigError(file, [{ path, message: `unknown live value {{${unknown[0]}}} (known: ${LIVE_VALUES.join(', ')})` }]);
    }
    if (byId.has(fm.id)) throw new ConfigError(file, [{ path: 'id', message: `duplicate post id "${fm.id}" (also in ${basename(byId.get(fm.id)!.file)})` }]);
    const defaultLocale = fm.locale ?? options.defaultLocale;
    const days = fm.dates || fm.holiday ? new Set([...(fm.dates ?? []), ...(fm.holiday ? holidays.get(fm.holiday)! : [])]) : undefined;
    const [hh, mm] = (fm.time ?? '00:00').split(':').map(Number) as [number, number];
    const post: Post = {
      id: fm.id,
      file,
      title: fm.title ?? fm.id,
      cron: fm.cron ?? `${mm} ${hh} * * *`,
      schedule: fm.cron ?? `${fm.time} on ${[...(fm.holiday ? [fm.holiday] : []), ...(fm.dates ?? [])].join(', ')}`,
      ...(days ? { days } : {}),
      ...(fm.timezone ? { timeZone: fm.timezone } : {}),
      targets: fm.targets,
      bodies: { ...fm.variants, [defaultLocale]: body },
      defaultLocale,
      enabled: fm.enabled,
      ...(fm.start ? { start: fm.start } : {}),
      ...(fm.end ? { end: fm.end } : {}),
      skipIfQuiet: fm.skipIfQuiet,
    };
    posts.push(post);
    byId.set(post.id, post);
  }
  return { posts, byId };
}

/** Whether a post may run on a local day: its date list, start and end allow it. */
export function runsOn(post: Post, localDay: string): boolean {
  if (post.days && !post.days.has(localDay)) return false;
  if (post.start !== undefined && localDay < post.start) return false;
  if (post.end !== undefined && localDay > post.end) return false;
  return true;
}

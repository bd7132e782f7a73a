import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { LOCALES, type Locale } from '../../core/i18n.ts';
import { readFrontMatter } from '../../config/front-matter.ts';
import { ConfigError, validate } from '../../config/load.ts';
import { TASKS } from '../earning/index.ts';

/** The live values a journey message may use. */
const JOURNEY_VALUES = ['community'] as const;

const frontMatter = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'expected a lowercase id such as day-1-guide' }),
    /** Days after the member joined, by the local calendar of their zone (1 = the day after). */
    day: z.number().int().min(1).max(3650),
    /** Skipped for members who already did this new-member task. */
    skipIfDone: z.enum(TASKS).optional(),
    /** The body's language; `variants` hold the others. */
    locale: z.enum(LOCALES).optional(),
    variants: z.partialRecord(z.enum(LOCALES), z.string().min(1)).default({}),
    enabled: z.boolean().default(true),
  })
  .strict();

/** One message of the journey calendar. */
export interface JourneyStep {
  readonly id: string;
  readonly file: string;
  readonly day: number;
  readonly skipIfDone?: (typeof TASKS)[number];
  readonly bodies: Readonly<Partial<Record<Locale, string>>>;
  readonly defaultLocale: Locale;
}

/**
 * Reads `content/journeys/*.md`: front matter in the style of posts (`id`, `day`, `skipIfDone`,
 * `locale`, `variants`, `enabled`) and the message as the body. A bad file fails the whole
 * calendar with its name and the field, as a bad post pack does.
 */
export function loadJourney(contentDir: string, defaultLocale: Locale): JourneyStep[] {
  const folder = join(contentDir, 'journeys');
  if (!existsSync(folder)) return [];
  const steps: JourneyStep[] = [];
  const files = new Map<string, string>();
  for (const name of readdirSync(folder).filter((f) => f.endsWith('.md')).sort()) {
    const file = join(folder, name);
    const parsed = readFrontMatter(file);
    const fm = validate(file, frontMatter, parsed.data);
    const body = parsed.content.trim();
    if (body === '') throw new ConfigError(file, [{ path: 'body', message: 'the message has no text' }]);
    for (const [path, text] of [['body', body], ...Object.entries(fm.variants).map(([l, t]) => [`variants.${l}`, t] as const)] as const) {
      const unknown = [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!).find((v) => !(JOURNEY_VALUES as readonly string[]).includes(v));
      if (unknown !== undefined) throw new ConfigError(file, [{ path, message: `unknown live value {{${unknown}}} (known: ${JOURNEY_VALUES.join(', ')})` }]);
    }
    const seen = files.get(fm.id);
    if (seen !== undefined) throw new ConfigError(file, [{ path: 'id', message: `duplicate journey id "${fm.id}" (also in ${basename(seen)})` }]);
    files.set(fm.id, file);
    if (!fm.enabled) continue;
    const locale = fm.locale ?? defaultLocale;
    const variants = Object.fromEntries(Object.entries(fm.variants).map(([l, t]) => [l, t.trim()]));
    steps.push({ id: fm.id, file, day: fm.day, ...(fm.skipIfDone ? { skipIfDone: fm.skipIfDone } : {}), bodies: { ...variants, [locale]: body }, defaultLocale: locale });
  }
  return steps;
}

import { describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.ts';
import { buildCatalog } from '../../../src/core/catalog.ts';
import { FakeClock } from '../../../src/core/clock.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { openDb } from '../../../src/db/open.ts';
import { applicationCommands } from '../../../adapters/discord/commands.ts';
import { contentWith } from '../../helpers/harness.ts';

type Json = Record<string, unknown> & { options?: Json[]; choices?: Json[] };

/** The shipped command table as the catalog main.ts publishes. */
function shippedCatalog() {
  const db = openDb(':memory:');
  const app = createApp({ db, content: contentWith(), clock: new FakeClock(new Date('2026-03-02T09:00:00Z')), logger: silentLogger });
  const catalog = buildCatalog(app.commands, app.translator, app.content.community.community.locale);
  db.close();
  return catalog;
}

describe('discord slash commands from the catalog', () => {
  const commands = applicationCommands(shippedCatalog()) as unknown as Json[];
  const byName = (name: string) => commands.find((c) => c.name === name)!;

  it("given the shipped command table, then every command obeys Discord's rules: lowercase names ≤ 32, descriptions 1–100, Discord locale keys only", () => {
    expect(commands.length).toBeGreaterThan(10);
    expect(commands.length).toBeLessThanOrEqual(100);
    const check = (c: Json) => {
      expect(c.name).toMatch(/^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u);
      expect(String(c.description).length).toBeGreaterThanOrEqual(1);
      expect(String(c.description).length).toBeLessThanOrEqual(100);
      for (const key of ['name_localizations', 'description_localizations']) {
        for (const locale of Object.keys((c[key] ?? {}) as object)) expect(['zh-CN', 'zh-TW', 'en-US', 'en-GB']).toContain(locale);
      }
      const options = c.options ?? [];
      const firstOptional = options.findIndex((o) => !o.required);
      if (firstOptional >= 0) expect(options.slice(firstOptional).every((o) => !o.required)).toBe(true);
      options.forEach(check);
    };
    commands.forEach(check);
  });

  it('given /checkin, then it is localised in Chinese and English, with 签到 as its Chinese name', () => {
    const checkin = byName('checkin');
    expect(checkin.name_localizations).toMatchObject({ 'zh-CN': '签到' });
    expect((checkin.description_localizations as Record<string, string>)['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    expect((checkin.description_localizations as Record<string, string>)['en-US']).toMatch(/[a-z]/i);
    expect(checkin).not.toHaveProperty('default_member_permissions');
  });

  it('given typed arguments, then /award has a user picker and a bounded integer, and /rank a choice of periods with labels', () => {
    const award = byName('award');
    expect(award.default_member_permissions).toBe(String(1n << 5n));
    const [member, amount] = award.options!;
    expect(member).toMatchObject({ type: 6, required: true });
    expect(amount).toMatchObject({ type: 4, required: true });
    expect(amount!.min_value).toBeGreaterThanOrEqual(1);
    const period = byName('rank').options!.find((o) => Array.isArray(o.choices));
    expect(period?.choices?.map((c) => c.value)).toEqual(expect.arrayContaining(['week', 'month', 'all']));
    expect(JSON.stringify(period?.choices)).toMatch(/[\u4e00-\u9fff]/);
  });

  it('given guild registration, then direct-chat-only commands are left out; registered globally they say where they work', () => {
    const global = applicationCommands(shippedCatalog(), 'global') as unknown as Json[];
    const codes = global.find((c) => c.name === 'codes');
    expect(codes?.contexts).toEqual([1]);
    expect(commands.find((c) => c.name === 'codes')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { loadMessages } from '../../src/config/load.ts';
import { CLAIM_STATUSES } from '../../src/features/earning/index.ts';
import { LEDGER_REASONS } from '../../src/features/points/index.ts';
import { REDEMPTION_STATUSES } from '../../src/features/shop/index.ts';
import { CONTENT_DIR, harness } from '../helpers/harness.ts';

const catalog = loadMessages(CONTENT_DIR);

describe('message catalogues', () => {
  it('given zh-CN and en, then every key in one exists in the other', () => {
    const zh = Object.keys(catalog['zh-CN']).sort();
    const en = Object.keys(catalog.en).sort();
    expect(zh.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !zh.includes(k))).toEqual([]);
  });

  it('given both catalogues, then each key uses the same placeholders in both', () => {
    // A plural form (`{days, plural, one {# day} other {# days}}`) counts as its one placeholder.
    const placeholders = (s: string) => [...new Set([...s.replace(/\{(\w+), *plural,(?:[^{}]|\{[^{}]*\})*\}/g, '{$1}').matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
    for (const key of Object.keys(catalog.en)) {
      expect(placeholders(catalog['zh-CN'][key] ?? ''), key).toEqual(placeholders(catalog.en[key]!));
    }
  });

  it('given every command in the table, then its help line and argument labels exist', async () => {
    const h = await harness();
    for (const c of h.app.commands) {
      expect(catalog.en[`cmd.${c.name}`], c.name).toBeDefined();
      for (const a of c.args) expect(catalog.en[`arg.${a.name}`], `${c.name} ${a.name}`).toBeDefined();
    }
    h.close();
  });
});

describe('reasons and statuses members and staff read', () => {
  it('given every ledger reason and every redemption and share-claim status, then each has its text in both languages', () => {
    const keys = [
      ...LEDGER_REASONS.map((r) => `shop.reason.${r}`),
      ...REDEMPTION_STATUSES.map((s) => `shop.status.${s}`),
      ...CLAIM_STATUSES.map((s) => `earning.claim_status.${s}`),
    ];
    for (const locale of ['zh-CN', 'en'] as const) expect(keys.filter((k) => catalog[locale][k] === undefined), locale).toEqual([]);
  });
});

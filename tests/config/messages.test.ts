import { describe, expect, it } from 'vitest';
import { loadMessages } from '../../src/config/load.ts';
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
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
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

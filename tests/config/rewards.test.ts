import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadContent } from '../../src/config/load.ts';
import { CONTENT_DIR } from '../helpers/harness.ts';

/** A copy of the shipped content with rewards.yaml replaced (or removed when `text` is null). */
function contentDirWith(text: string | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-content-'));
  cpSync(CONTENT_DIR, dir, { recursive: true });
  if (text === null) rmSync(join(dir, 'rewards.yaml'));
  else writeFileSync(join(dir, 'rewards.yaml'), text);
  return dir;
}

describe('rewards.yaml', () => {
  it('given the shipped catalogue, then it loads with its three kinds', () => {
    expect(new Set(loadContent(CONTENT_DIR).rewards.rewards.map((r) => r.kind))).toEqual(new Set(['code', 'manual', 'streak-repair']));
  });

  it('given no rewards.yaml, then the shop is empty', () => {
    expect(loadContent(contentDirWith(null)).rewards).toEqual({ lowStock: 3, rewards: [] });
  });

  it('given a duplicate sku, an unknown kind and an unknown tier, then the error names the file and each field', () => {
    const bad = contentDirWith('rewards:\n  - { sku: a, name: A, cost: 1, kind: code }\n  - { sku: a, name: B, cost: 1, kind: gift }\n');
    const err = (() => {
      try {
        loadContent(bad);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).file).toBe(join(bad, 'rewards.yaml'));
    expect((err as ConfigError).problems.map((p) => p.path)).toEqual(['rewards[1].kind']);
    const tier = contentDirWith('rewards:\n  - { sku: a, name: A, cost: 1, kind: manual, minTier: gold }\n');
    expect(() => loadContent(tier)).toThrow(/rewards\[0\]\.minTier: unknown tier "gold"/);
    const dup = contentDirWith('rewards:\n  - { sku: a, name: A, cost: 1, kind: code }\n  - { sku: a, name: B, cost: 1, kind: code }\n');
    expect(() => loadContent(dup)).toThrow(/rewards\[1\]\.sku: duplicate sku "a"/);
  });
});

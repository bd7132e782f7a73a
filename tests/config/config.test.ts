import { mkdtempSync, cpSync, writeFileSync, readFileSync } from 'node:fs';
import { readAdapterEnv } from '../../src/core/adapter-env.ts';
import { wechatDescriptor } from '../../adapters/wechat/env.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadContent } from '../../src/config/load.ts';
import { parseEnv } from '../../src/config/env.ts';
import { CONTENT_DIR } from '../helpers/harness.ts';

function contentDirWith(community: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-content-'));
  cpSync(CONTENT_DIR, dir, { recursive: true });
  const file = join(dir, 'community.yaml');
  writeFileSync(file, community(readFileSync(file, 'utf8')));
  return dir;
}

function problems(dir: string): ConfigError {
  try {
    loadContent(dir);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('content/community.yaml validation', () => {
  it('given the shipped content, then it loads', () => {
    expect(loadContent(CONTENT_DIR).community.community.timezone).toBe('Asia/Shanghai');
  });

  it('given a group bound to an unknown tier, then the error names the file, the field and the tiers', () => {
    const err = problems(contentDirWith((t) => t.replace('tier: core\n', 'tier: gold\n')));
    expect(err.file).toMatch(/community\.yaml$/);
    expect(err.problems).toContainEqual({ path: 'groups[0].tier', message: 'unknown tier "gold" (tiers: basic, advanced, core)' });
  });

  it('given a bad time zone and a negative multiplier, then both are reported with their paths', () => {
    const err = problems(contentDirWith((t) => t.replace('timezone: Asia/Shanghai', 'timezone: Mars/Olympus').replace('multiplier: 1.2', 'multiplier: -1')));
    expect(err.problems.map((p) => p.path)).toEqual(['community.timezone', 'tiers[1].multiplier']);
    expect(err.message).toContain('expected an IANA time zone');
  });

  it('given a tier role id written as a bare number, then the error names the field and says to quote it', () => {
    const err = problems(contentDirWith((t) => t.replace('    multiplier: 1.5\n', '    multiplier: 1.5\n    roles:\n      discord:500: 1234567890123456789\n')));
    expect(err.file).toMatch(/community\.yaml$/);
    expect(err.problems).toContainEqual({ path: 'tiers[2].roles.discord:500', message: expect.stringMatching(/put the role id in quotes/) });
  });

  it('given a role on the first tier, then it is refused: no one is promoted into it', () => {
    const err = problems(contentDirWith((t) => t.replace('    multiplier: 1\n', '    multiplier: 1\n    roles: { "discord:500": "42" }\n')));
    expect(err.problems).toContainEqual({ path: 'tiers[0].roles', message: expect.stringMatching(/no one is promoted into it/) });
  });

  it('given a tier role keyed by something other than platform:space, then the key is refused', () => {
    const err = problems(contentDirWith((t) => t.replace('    multiplier: 1.5\n', '    multiplier: 1.5\n    roles: { "500": "42" }\n')));
    expect(err.problems.map((p) => p.path)).toContain('tiers[2].roles.500');
  });

  it('given a misspelt key, then it is refused rather than ignored', () => {
    const err = problems(contentDirWith((t) => t.replace('streakBonusCap: 20', 'streakBonusCapp: 20')));
    expect(err.problems[0]!.path).toBe('earning.checkin');
    expect(err.problems[0]!.message).toContain('streakBonusCapp');
  });

  it('given broken YAML, then the error names the line', () => {
    const err = problems(contentDirWith((t) => `${t}\n  bad: [unclosed\n`));
    expect(err.problems[0]!.path).toMatch(/^line \d+/);
  });
});

describe('environment', () => {
  it('given BOT_OWNERS with a bad entry, then the error names the variable', () => {
    expect(() => parseEnv({ BOT_OWNERS: 'telegram:42,icq:1' })).toThrow(/BOT_OWNERS/);
  });
  it('given BOT_OWNERS, then it yields identity keys', () => {
    expect(parseEnv({ BOT_OWNERS: 'telegram:42, discord:9' }).BOT_OWNERS).toEqual(['telegram:42', 'discord:9']);
  });
  it('given the empty WeChat lines of a copied .env.example, then they read as unset; a wrong WECHATY_LOG is named', () => {
    const env = readAdapterEnv(wechatDescriptor, { WECHATY_PUPPET: 'wechaty-puppet-mock', WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: '', WECHATY_LOG: '' });
    expect([env.WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT, env.WECHATY_LOG]).toEqual([undefined, undefined]);
    expect(() => readAdapterEnv(wechatDescriptor, { WECHATY_PUPPET: 'wechaty-puppet-mock', WECHATY_LOG: 'loud' })).toThrow(/WECHATY_LOG/);
  });
});

describe('message files', () => {
  it('given a key present in zh-CN.yaml but missing from en.yaml, then loading fails naming the key and the file that lacks it', () => {
    const dir = contentDirWith((t) => t);
    const en = join(dir, 'messages', 'en.yaml');
    writeFileSync(en, readFileSync(en, 'utf8').replace(/^  empty: "No one yet."\n/m, ''));
    const err = problems(dir);
    expect(err.file).toBe(en);
    expect(err.problems).toEqual([{ path: 'rank.empty', message: 'missing (present in messages/zh-CN.yaml)' }]);
  });
});

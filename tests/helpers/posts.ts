import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CONTENT_DIR } from './harness.ts';

/** A post file: front matter fields and a body. */
export function post(frontMatter: Record<string, unknown>, body = 'Hello {{group}}'): string {
  return `---\n${stringify(frontMatter)}---\n${body}\n`;
}

/**
 * A copy of the shipped content/ in a temp dir whose posts are exactly `posts` (file name → text),
 * with community.yaml optionally patched.
 */
export function contentDirWith(posts: Record<string, string>, patch: (cfg: Record<string, unknown>) => void = () => {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-content-'));
  cpSync(CONTENT_DIR, dir, { recursive: true });
  writePosts(dir, posts);
  const cfg = parse(readFileSync(join(dir, 'community.yaml'), 'utf8')) as Record<string, unknown>;
  patch(cfg);
  writeFileSync(join(dir, 'community.yaml'), stringify(cfg));
  return dir;
}

/** Replaces the posts of a content dir. */
export function writePosts(dir: string, posts: Record<string, string>): void {
  rmSync(join(dir, 'posts'), { recursive: true, force: true });
  mkdirSync(join(dir, 'posts'), { recursive: true });
  for (const [name, text] of Object.entries(posts)) writeFileSync(join(dir, 'posts', name), text);
}

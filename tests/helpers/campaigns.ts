import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { contentDirWith } from './posts.ts';

/** A campaign file: front matter fields and an announcement body. */
export function campaignFile(frontMatter: Record<string, unknown>, body = '分享你的故事。'): string {
  return `---\n${stringify(frontMatter)}---\n${body}\n`;
}

/** Replaces the campaigns of a content dir with `files` (file name → text). */
export function writeCampaigns(dir: string, files: Record<string, string>): void {
  rmSync(join(dir, 'campaigns'), { recursive: true, force: true });
  mkdirSync(join(dir, 'campaigns'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'campaigns', name), text);
}

/** The shipped content with no scheduled posts and exactly these campaigns. */
export function contentWithCampaigns(files: Record<string, string>, patch: (cfg: Record<string, unknown>) => void = () => {}): string {
  const dir = contentDirWith({}, patch);
  writeCampaigns(dir, files);
  return dir;
}

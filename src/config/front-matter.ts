import { readFileSync } from 'node:fs';
import matter from 'gray-matter';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './load.ts';

/** Front matter is YAML 1.2 (the `yaml` package), as for every config file, not gray-matter's YAML 1.1. */
const matterOptions = { engines: { yaml: (input: string) => (parseYaml(input) ?? {}) as object } };

/**
 * Reads one markdown content file (a post, a journey step, a campaign): its front matter and body.
 * A file whose front matter does not parse is refused naming the file, as every pack does.
 */
export function readFrontMatter(file: string): { data: unknown; content: string } {
  try {
    return matter(readFileSync(file, 'utf8'), matterOptions);
  } catch (err) {
    throw new ConfigError(file, [{ path: 'front matter', message: (err as Error).message.split('\n')[0]! }]);
  }
}

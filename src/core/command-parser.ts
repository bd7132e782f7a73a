import type { CommandSpec } from './command.ts';

/** A message that invokes a command, before its arguments are validated. */
export interface ParsedInvocation {
  readonly command: CommandSpec;
  /** The word the member typed (`checkin`, `签到`), for the usage line. */
  readonly invokedAs: string;
  /** The text after the command word, untrimmed of inner spacing. */
  readonly rest: string;
  readonly tokens: readonly string[];
}

const PREFIXES = ['/', '!', '！'];
/** ASCII whitespace and the ideographic space U+3000 that Chinese input methods type. */
const SPACE = /[\s\u3000]/;

const QUOTES: Record<string, string> = { '"': '"', '“': '”', '「': '」' };

/**
 * Splits on ASCII and full-width spaces, honouring `"…"`, `“…”` and `「…」` quotes.
 * An unclosed quote takes the rest of the text.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (SPACE.test(ch)) {
      i++;
      continue;
    }
    const close = QUOTES[ch];
    if (close !== undefined) {
      const end = text.indexOf(close, i + 1);
      tokens.push(end < 0 ? text.slice(i + 1) : text.slice(i + 1, end));
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !SPACE.test(text[j]!)) j++;
    tokens.push(text.slice(i, j));
    i = j;
  }
  return tokens;
}

/** Finds commands by the words that invoke them. Built once from the command table. */
export class CommandParser {
  private readonly words = new Map<string, CommandSpec>();
  private readonly byBare = new Map<string, CommandSpec>();

  constructor(commands: readonly CommandSpec[]) {
    for (const c of commands) {
      for (const n of [c.name, ...(c.aliases ?? [])]) this.add(this.words, n, c);
      for (const n of c.bare ?? []) this.add(this.byBare, n, c);
    }
  }

  private add(map: Map<string, CommandSpec>, name: string, c: CommandSpec): void {
    const key = name.toLowerCase();
    const existing = map.get(key);
    if (existing && existing !== c) throw new Error(`command word "${name}" is claimed by both ${existing.name} and ${c.name}`);
    map.set(key, c);
  }

  /** The command with this name or alias (slash commands and buttons name it directly). */
  byName(name: string): CommandSpec | undefined {
    const key = name.toLowerCase();
    return this.words.get(key) ?? this.byBare.get(key);
  }

  /**
   * Whether the text is written as a command (`/foo`, `！foo`) for this bot, known or not. In a
   * direct chat an unknown one deserves an answer; in a group it may be another bot's.
   */
  looksLikeCommand(text: string, botHandle?: string): boolean {
    const first = text.replace(/^[\s\u3000]+/, '').split(SPACE, 1)[0] ?? '';
    const prefix = PREFIXES.find((p) => first.startsWith(p));
    if (prefix === undefined) return false;
    const word = first.slice(prefix.length);
    const at = word.indexOf('@');
    if (at >= 0 && botHandle !== undefined && word.slice(at + 1).toLowerCase() !== botHandle.toLowerCase()) return false;
    return /^[\p{L}\p{N}_]/u.test(word);
  }

  /**
   * The command a message invokes, or undefined for an ordinary message. `botHandle` is this
   * bot's username on the message's platform: `/cmd@thatbot` runs, `/cmd@otherbot` does not.
   */
  parse(text: string, botHandle?: string): ParsedInvocation | undefined {
    const trimmed = text.replace(/^[\s\u3000]+/, '');
    const first = trimmed.split(SPACE, 1)[0] ?? '';
    const rest = trimmed.slice(first.length).replace(/^[\s\u3000]+/, '');
    const prefix = PREFIXES.find((p) => first.startsWith(p));
    if (prefix !== undefined) {
      let word = first.slice(prefix.length);
      const at = word.indexOf('@');
      if (at >= 0) {
        const target = word.slice(at + 1);
        word = word.slice(0, at);
        if (botHandle !== undefined && target.toLowerCase() !== botHandle.toLowerCase()) return undefined;
      }
      const command = this.words.get(word.toLowerCase()) ?? this.byBare.get(word.toLowerCase());
      return command ? { command, invokedAs: `${prefix}${word}`, rest, tokens: tokenize(rest) } : undefined;
    }
    const command = this.byBare.get(first.toLowerCase());
    return command ? { command, invokedAs: first, rest, tokens: tokenize(rest) } : undefined;
  }
}

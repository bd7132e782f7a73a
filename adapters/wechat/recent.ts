/** Who wrote a recent message: enough to address a reply to them. */
export interface RecentAuthor {
  readonly userId: string;
  readonly name: string;
}

/**
 * The last messages the adapter saw, bounded: which member wrote a message id (a reply in a room
 * opens with a mention of them, since wechaty cannot send a quote), and which id a quote refers
 * to (puppets deliver a quote as text naming the author and the quoted words, not as an id).
 */
export class RecentMessages {
  private readonly authors = new Map<string, RecentAuthor>();
  private readonly byContent = new Map<string, string>();

  constructor(private readonly limit = 2000) {}

  remember(chatId: string, messageId: string, author: RecentAuthor, names: readonly string[], text: string): void {
    this.authors.delete(messageId);
    this.authors.set(messageId, author);
    for (const name of names) {
      const k = contentKey(chatId, name, text);
      this.byContent.delete(k);
      this.byContent.set(k, messageId);
    }
    trim(this.authors, this.limit);
    trim(this.byContent, this.limit * 2);
  }

  author(messageId: string): RecentAuthor | undefined {
    return this.authors.get(messageId);
  }

  /** The id of the newest message in `chatId` by `authorName` with exactly `text`. */
  find(chatId: string, authorName: string, text: string): string | undefined {
    return this.byContent.get(contentKey(chatId, authorName, text));
  }
}

const contentKey = (chatId: string, name: string, text: string) => `${chatId}\n${name}\n${text.trim()}`;

/** Drops the oldest entries (a Map iterates in insertion order) beyond `limit`. */
function trim(map: Map<string, unknown>, limit: number): void {
  for (const k of map.keys()) {
    if (map.size <= limit) return;
    map.delete(k);
  }
}

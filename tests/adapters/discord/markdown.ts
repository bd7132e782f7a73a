/**
 * What a member sees of a message's content, the way the Discord client renders the subset of
 * markdown that matters here: `\x` shows `x`; `**`, `*`, `_`, `~~`, `||` and backticks are
 * formatting and vanish; `[text](url)` shows `text`; `<@id>` shows `@name`; `#`, `>` and `-` at
 * the start of a line are headings, quotes and lists. So member text the adapter forgot to escape
 * comes out different, and the test sees it.
 */
export function visibleText(content: string, nameOf: (id: string) => string | undefined = () => undefined): string {
  let out = '';
  let lineStart = true;
  for (let i = 0; i < content.length; ) {
    const c = content[i]!;
    const rest = content.slice(i);
    if (lineStart) {
      const block = /^(#{1,3} |> |- |\* |\d+\. )/.exec(rest);
      if (block) {
        i += block[0].length;
        lineStart = false;
        continue;
      }
    }
    lineStart = c === '\n';
    if (c === '\\' && i + 1 < content.length && /[^0-9A-Za-z\s]/.test(content[i + 1]!)) {
      out += content[i + 1];
      i += 2;
      continue;
    }
    const url = /^https?:\/\/\S+/.exec(rest);
    if (url) {
      out += url[0];
      i += url[0].length;
      continue;
    }
    const mention = /^<@!?(\d+)>/.exec(rest);
    if (mention) {
      out += `@${nameOf(mention[1]!) ?? mention[1]}`;
      i += mention[0].length;
      continue;
    }
    const link = /^\[((?:\\.|[^\]\\])*)\]\(([^)\s]+)\)/.exec(rest);
    if (link) {
      out += visibleText(link[1]!, nameOf);
      i += link[0].length;
      continue;
    }
    const marker = /^(\*\*|~~|\|\||\*|_|`)/.exec(rest);
    if (marker) {
      i += marker[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

import type { Writable } from 'node:stream';

/**
 * Writes objects as JSON lines in ~64 KB chunks, waiting for `drain` when the stream is full, so
 * piping millions of generated lines into another process never buffers them all in memory.
 */
export async function writeJsonLines(lines: Iterable<object>, out: Writable): Promise<number> {
  let chunk = '';
  let count = 0;
  for (const line of lines) {
    chunk += `${JSON.stringify(line)}\n`;
    count++;
    if (chunk.length >= 65_536) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
      chunk = '';
    }
  }
  if (chunk !== '') {
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
  }
  return count;
}

/**
 * A one-line progress bar on a terminal (`[#####-----] 12/30 days · 34,512 lines`; the count is optional), redrawn in
 * place; silent when the stream is not a terminal, so logs and tests stay clean.
 */
export function progressBar(out: NodeJS.WriteStream, unit: string): { update(done: number, total: number, lines?: number): void; end(): void } {
  const enabled = out.isTTY === true;
  let drawn = false;
  return {
    update(done, total, lines) {
      if (!enabled) return;
      const width = 30;
      const filled = Math.round((done / total) * width);
      const count = lines === undefined ? '' : ` · ${lines.toLocaleString('en-US')} lines`;
      out.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${unit}${count}`);
      drawn = true;
    },
    end() {
      if (drawn) out.write('\n');
    },
  };
}

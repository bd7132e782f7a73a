/**
 * Resolves once `check` holds, looking every few milliseconds (what it waits for happens inside
 * discord.js, which tells no one); rejects after `ms` naming what it waited for.
 */
export async function eventually(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

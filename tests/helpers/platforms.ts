import { LocalAdapter } from '../../adapters/local/local-adapter.ts';
import type { Platform } from '../../src/core/ids.ts';
import { contentWith, type Harness } from './harness.ts';
import type { Content } from '../../src/config/load.ts';

/** The shipped content without send gaps, so a test's several answers in one instant all go out. */
export function withoutSendGaps(): Content {
  return contentWith((cfg) => {
    (cfg.delivery as { policies: unknown }).policies = {};
  });
}

/**
 * Registers a local adapter for each platform on a harness, so members can speak as
 * `telegram:…` or `discord:…` identities and the bot's answers there land in `h.sent`.
 */
export async function onPlatforms(h: Harness, platforms: readonly Platform[]): Promise<void> {
  for (const platform of platforms) {
    const adapter = new LocalAdapter((out) => h.sent.push(out), platform);
    h.app.router.register(adapter);
    await adapter.start(h.app.dispatcher.sink);
  }
}

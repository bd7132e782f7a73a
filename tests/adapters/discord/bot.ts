import { createApp, type App } from '../../../src/app.ts';
import type { Content } from '../../../src/config/load.ts';
import { buildCatalog } from '../../../src/core/catalog.ts';
import { FakeClock } from '../../../src/core/clock.ts';
import type { InboundEvent } from '../../../src/core/events.ts';
import { silentLogger, type Logger } from '../../../src/core/logger.ts';
import { openDb } from '../../../src/db/open.ts';
import { DiscordAdapter, type DiscordAdapterOptions } from '../../../adapters/discord/index.ts';
import { contentWith } from '../../helpers/harness.ts';
import { FakeDiscord, type FakeSent } from './fake-discord.ts';
import { ALICE, DATE, GENERAL, type FakeUser } from './fixtures.ts';
import { eventually } from './wait.ts';

/** The whole bot on Discord for a test: the fake, createApp, the real adapter, and what they did. */
export interface DiscordBot {
  readonly fake: FakeDiscord;
  readonly app: App;
  readonly clock: FakeClock;
  readonly adapter: DiscordAdapter;
  /** What reached the core, in order. */
  readonly events: InboundEvent[];
  /** Keys of the events the core has finished with (the sink resolved). */
  readonly handled: Set<string>;
  /** The delays of the core's retries (its `outbound retry` log). */
  readonly routerWaits: number[];
  readonly logs: { level: string; msg: string; obj: unknown }[];
  /** A member writes in a channel; resolves with what the bot sent once the core handled it. */
  say(text: string, from?: FakeUser, channel?: string): Promise<FakeSent[]>;
  stop(): Promise<void>;
}

/** The shipped content, in English. */
export const english = (): Content => contentWith((c) => ((c.community as Record<string, unknown>).locale = 'en'));

/**
 * Starts the whole bot (createApp + dispatcher + router) on the real discord.js client against a
 * fresh loopback fake, with the catalog published as `npm start` does.
 */
export async function discordBot(opts: { content?: Content; owners?: string[]; adapter?: Partial<DiscordAdapterOptions>; before?: (fake: FakeDiscord) => void; sleep?: (ms: number) => Promise<void> } = {}): Promise<DiscordBot> {
  const fake = await new FakeDiscord().start();
  opts.before?.(fake);
  const clock = new FakeClock(new Date(DATE));
  fake.now = () => clock.now().getTime();
  const routerWaits: number[] = [];
  const logs: DiscordBot['logs'] = [];
  const record =
    (level: string) =>
    (obj: unknown, msg?: string) => {
      logs.push({ level, msg: msg ?? '', obj });
      if (msg === 'outbound retry') routerWaits.push((obj as { delay: number }).delay);
    };
  const logger: Logger = { ...silentLogger, warn: record('warn'), info: record('info'), error: record('error') };
  const db = openDb(':memory:');
  const wait = opts.sleep ?? (async () => {});
  // The outbox waits out a retry's backoff on the app's clock, so the clock moves by what was waited.
  const sleep = async (ms: number) => {
    await wait(ms);
    clock.advance(ms);
  };
  const app = createApp({ db, content: opts.content ?? english(), clock, logger, owners: opts.owners ?? [], sleep });
  const adapter = new DiscordAdapter({ token: fake.token, apiRoot: fake.api, logger, now: () => clock.now().getTime(), ...opts.adapter });
  app.router.register(adapter);
  const events: InboundEvent[] = [];
  const handled = new Set<string>();
  await adapter.start(async (e) => {
    events.push(e);
    await app.dispatcher.sink(e);
    handled.add(e.key);
  });
  await adapter.publishCatalog(buildCatalog(app.commands, app.translator, app.content.community.community.locale));
  let minute = 0;
  return {
    fake,
    app,
    clock,
    adapter,
    events,
    handled,
    routerWaits,
    logs,
    async say(text, from = ALICE, channel = GENERAL) {
      const before = fake.sent.length;
      const payload = fake.post({ channel, author: from, content: text, at: clock.now().getTime() + 60_000 * minute++ });
      // The sink resolves once the core has handled the event and sent what it said.
      await eventually(() => handled.has(`discord:${channel}:m:${String(payload.id)}`), `${text} to be handled`);
      return fake.sent.slice(before);
    },
    async stop() {
      await adapter.stop();
      await fake.close();
      db.close();
    },
  };
}

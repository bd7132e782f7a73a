import { fileURLToPath } from 'node:url';
import { LocalAdapter } from '../../adapters/local/local-adapter.ts';
import { localMemberEvent, localMessageEvent, type LocalMessage } from '../../adapters/local/local-events.ts';
import { createApp, type App, type AppOptions } from '../../src/app.ts';
import { loadContent, type Content } from '../../src/config/load.ts';
import type { CommunityConfig } from '../../src/config/schema.ts';
import { communitySchema } from '../../src/config/schema.ts';
import { FakeClock } from '../../src/core/clock.ts';
import type { DispatchOutcome } from '../../src/core/dispatcher.ts';
import { silentLogger, type Logger } from '../../src/core/logger.ts';
import { renderPlain, type Outbound } from '../../src/core/outbound.ts';
import { openDb } from '../../src/db/open.ts';
import { SimScheduler } from '../../src/infra/sim-scheduler.ts';

export const CONTENT_DIR = fileURLToPath(new URL('../../content', import.meta.url));

/** The shipped content with parts of community.yaml replaced. */
export function contentWith(patch: (cfg: Record<string, unknown>) => void = () => {}): Content {
  const base = loadContent(CONTENT_DIR);
  const raw = structuredClone(base.community) as unknown as Record<string, unknown>;
  patch(raw);
  return { ...base, community: communitySchema.parse(raw) as CommunityConfig };
}

export interface Harness {
  readonly app: App;
  readonly clock: FakeClock;
  readonly scheduler: SimScheduler;
  readonly sent: Outbound[];
  /** Sends a message as `user` in `chat` (omit chat for a DM) at the clock's time; returns the bot's replies as text. */
  say(user: string, text: string, opts?: Omit<Partial<LocalMessage>, 'chat'> & { chat?: string | null }): Promise<string[]>;
  join(user: string, chat?: string, name?: string): Promise<void>;
  leave(user: string, chat?: string): Promise<void>;
  outcome(): DispatchOutcome | undefined;
  close(): void;
}

let seq = 0;

/** A whole bot on an in-memory database with real migrations, driven through the dispatcher. */
export async function harness(opts: { start?: string; content?: Content; owners?: string[]; logger?: Logger; dashboard?: AppOptions['dashboard'] } = {}): Promise<Harness> {
  const clock = new FakeClock(opts.start ?? '2026-03-02T09:00:00+08:00');
  const db = openDb(':memory:');
  const app = createApp({ db, content: opts.content ?? loadContent(CONTENT_DIR), clock, logger: opts.logger ?? silentLogger, owners: opts.owners ?? [], sleep: async () => {}, ...(opts.dashboard ? { dashboard: opts.dashboard } : {}) });
  const sent: Outbound[] = [];
  const adapter = new LocalAdapter((out) => sent.push(out));
  app.router.register(adapter);
  await adapter.start(app.dispatcher.sink);
  const scheduler = new SimScheduler(clock, silentLogger);
  app.schedule(scheduler);
  let last: DispatchOutcome | undefined;
  return {
    app,
    clock,
    scheduler,
    sent,
    async say(user, text, o = {}) {
      const before = sent.length;
      const chat = o.chat === null ? undefined : (o.chat ?? 'g1');
      const { chat: _c, ...rest } = o;
      last = await app.dispatcher.dispatch(localMessageEvent({ user, text, id: `t${++seq}`, at: clock.now(), ...(chat ? { chat } : {}), ...rest }));
      return sent.slice(before).map((out) => renderPlain(out.body));
    },
    async join(user, chat = 'g1', name) {
      last = await app.dispatcher.dispatch(localMemberEvent('member.joined', { chat, user, id: `t${++seq}`, at: clock.now(), ...(name ? { name } : {}) }));
    },
    async leave(user, chat = 'g1') {
      last = await app.dispatcher.dispatch(localMemberEvent('member.left', { chat, user, id: `t${++seq}`, at: clock.now() }));
    },
    outcome: () => last,
    close: () => db.close(),
  };
}

/** Every member's balance equals the sum of their ledger rows. */
export function ledgerMismatches(app: App): { member: number; balance: number; ledger: number }[] {
  return app.db.sqlite
    .prepare(
      `SELECT b.member_id AS member, b.balance AS balance, COALESCE(SUM(l.delta), 0) AS ledger
       FROM balances b LEFT JOIN ledger l ON l.member_id = b.member_id GROUP BY b.member_id HAVING b.balance != COALESCE(SUM(l.delta), 0)`,
    )
    .all() as { member: number; balance: number; ledger: number }[];
}

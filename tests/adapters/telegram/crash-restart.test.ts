import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDb } from '../../helpers/sim.ts';
import { startCli } from '../npm-start.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { textUpdate, user } from './updates.ts';

const startBot = (fake: FakeBotApi, db: string) =>
  startCli({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, HEARTH_DB: db, LOG_LEVEL: 'info' }, { direct: true });

describe('kill -9 with messages pending in the outbox, then a restart (the real CLI)', () => {
  let fake: FakeBotApi;
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await fake?.close();
  });

  it('given check-ins answered while every send fails, when the process is killed and started again, then each reply is sent once; a SIGTERM leaves what cannot go pending; ledger and outbox agree', async () => {
    fake = await new FakeBotApi().start();
    const db = tempDb();
    const now = Math.floor(Date.now() / 1000);
    const checkin = (i: number) => fake.push(textUpdate('/checkin', { from: user(200 + i, `K${i}`, { language_code: 'en' }), id: 900 + i, extra: { date: now } }));
    fake.outage = (method) => (method === 'sendMessage' ? { error_code: 502, description: 'Bad Gateway' } : undefined);

    const first = await startBot(fake, db);
    children.push(first.child);
    let last = 0;
    for (const i of [1, 2, 3]) last = checkin(i);
    await fake.handled(last);
    first.child.kill('SIGKILL');
    expect(await first.stop()).toEqual({ code: null, signal: 'SIGKILL' });
    expect(fake.sent).toEqual([]);

    fake.outage = undefined;
    const second = await startBot(fake, db);
    children.push(second.child);
    await fake.until(() => fake.sent.length >= 3, 'the three replies after the restart', 20_000);
    expect(fake.sent.map((s) => [s.replyTo, s.visible.split(':')[0]])).toEqual([
      [901, 'K1 checked in'],
      [902, 'K2 checked in'],
      [903, 'K3 checked in'],
    ]);

    // A graceful stop during an outage: the fourth reply stays pending, the process exits 0 at once.
    fake.outage = (method) => (method === 'sendMessage' ? { error_code: 502, description: 'Bad Gateway' } : undefined);
    await fake.handled(checkin(4));
    const stopping = Date.now();
    expect(await second.stop(), second.stderr()).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopping).toBeLessThan(15_000);
    expect(second.stderr()).toContain('messages left pending in the outbox are sent at the next start');
    expect(fake.sent).toHaveLength(3);

    const sqlite = new Database(db, { readonly: true });
    // A reply for every paid check-in: each ledger row's member is mentioned in one outbox reply.
    const rows = sqlite
      .prepare(
        `SELECT i.user_id AS user, (SELECT group_concat(o.status) FROM outbox o WHERE o.payload LIKE '%"type":"reply"%' AND o.payload LIKE '%"userId":"' || i.user_id || '"%') AS status
         FROM ledger l JOIN identities i ON i.member_id = l.member_id WHERE l.reason = 'checkin' ORDER BY l.id`,
      )
      .all() as { user: string; status: string | null }[];
    sqlite.close();
    expect(rows).toEqual([
      { user: '201', status: 'sent' },
      { user: '202', status: 'sent' },
      { user: '203', status: 'sent' },
      { user: '204', status: 'pending' },
    ]);
  }, 90_000);
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { weekStart } from '../../src/core/clock.ts';
import { openDb } from '../../src/db/open.ts';
import type { GeneratedLine } from '../../src/sim/generate.ts';
import { percentile, type BenchCase } from '../case.ts';
import { COMMUNITY_SIZES } from './sizes.ts';

/**
 * The storage ceiling beside the pipeline: for the same generated events, the same rows the
 * pipeline writes — dedupe key, group and member on first sight, membership, activity day and
 * last-active, and for a check-in the check-in row, ledger row, balance and weekly total; for an
 * award the ledger, balance, weekly total and audit rows — with raw better-sqlite3 prepared statements, one transaction
 * per event, on a database opened by `openDb` (same pragmas, same schema and indexes). Everything
 * a rule would read (who is this, what is their streak) comes from in-memory maps, so this is
 * what SQLite alone costs. Each line is parsed outside the timed transaction.
 */
export const rawCeilingCase: BenchCase = {
  name: 'raw',
  title: 'raw SQLite ceiling',
  ...COMMUNITY_SIZES,
  run({ dir, community }) {
    if (!community) throw new Error('raw needs a generated community');
    const lines = readFileSync(community, 'utf8').split('\n').filter(Boolean);
    const db = openDb(join(dir, 'raw.db'));
    const s = db.sqlite;
    const claim = s.prepare('INSERT OR IGNORE INTO processed_events (key, at) VALUES (?, ?)');
    const insGroup = s.prepare('INSERT OR IGNORE INTO groups (chat_key, platform, tier, tracking_started_at) VALUES (?, ?, ?, ?)');
    const insMember = s.prepare('INSERT INTO members (name, locale, tier, created_at) VALUES (?, ?, ?, ?)');
    const insIdentity = s.prepare('INSERT INTO identities (platform, user_id, member_id, handle, name, first_seen_at) VALUES (?, ?, ?, ?, ?, ?)');
    const upMembership = s.prepare(
      `INSERT INTO memberships (member_id, chat_key, joined_at, first_seen_at, last_active_at, left_at) VALUES (?, ?, ?, ?, ?, NULL)
       ON CONFLICT (member_id, chat_key) DO UPDATE SET last_active_at = excluded.last_active_at, left_at = NULL`,
    );
    const upActivity = (field: string) =>
      s.prepare(`INSERT INTO activity_days (member_id, chat_key, day, ${field}) VALUES (?, ?, ?, 1) ON CONFLICT (member_id, chat_key, day) DO UPDATE SET ${field} = ${field} + 1`);
    const upMessages = upActivity('messages');
    const upReactions = upActivity('reactions');
    const upCheckins = upActivity('checkins');
    const touch = s.prepare('UPDATE members SET last_active_at = ? WHERE id = ?');
    const insCheckin = s.prepare('INSERT INTO checkins (member_id, day, chat_key, at, streak, points, position, event_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const insLedger = s.prepare('INSERT OR IGNORE INTO ledger (member_id, delta, reason, source_key, actor_member_id, note, earned, at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)');
    const upBalance = s.prepare('INSERT INTO balances (member_id, balance, lifetime) VALUES (?, ?, ?) ON CONFLICT (member_id) DO UPDATE SET balance = balance + excluded.balance, lifetime = lifetime + excluded.lifetime');
    const upWeekly = s.prepare('INSERT INTO points_weekly (week, member_id, points) VALUES (?, ?, ?) ON CONFLICT (week, member_id) DO UPDATE SET points = points + excluded.points');
    const insAudit = s.prepare('INSERT INTO audit_log (at, actor_member_id, action, target_member_id, detail, reason) VALUES (?, ?, ?, ?, ?, ?)');

    const memberOf = new Map<string, number>();
    const groupsSeen = new Set<string>();
    const lastCheckin = new Map<number, { day: string; streak: number }>();
    const positions = new Map<string, number>();
    const ensure = (user: string, name: string | undefined, at: number): number => {
      let id = memberOf.get(user);
      if (id === undefined) {
        id = Number(insMember.run(name ?? user, null, 'basic', at).lastInsertRowid);
        insIdentity.run('local', user, id, user, name ?? user, at);
        memberOf.set(user, id);
      }
      return id;
    };
    const prevDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

    const handle = s.transaction((l: GeneratedLine, at: number) => {
      if (l.type === 'tick') return;
      const chatKey = `local:${l.chat}`;
      const kind = l.type === 'message' ? 'm' : l.type === 'reaction' ? 'r' : l.type === 'member.joined' ? 'join' : 'left';
      if (claim.run(`local:${l.chat}:${kind}:${l.id}`, at).changes === 0) return;
      if (!groupsSeen.has(chatKey)) {
        insGroup.run(chatKey, 'local', 'basic', at);
        groupsSeen.add(chatKey);
      }
      const member = ensure(l.user, l.name, at);
      const day = l.at.slice(0, 10);
      upMembership.run(member, chatKey, l.type === 'member.joined' ? at : null, at, at);
      if (l.type === 'member.joined' || l.type === 'member.left') return;
      (l.type === 'reaction' ? upReactions : upMessages).run(member, chatKey, day);
      touch.run(at, member);
      if (l.type !== 'message') return;
      if (l.text === '/checkin' || l.text === '签到') {
        const last = lastCheckin.get(member);
        if (last?.day === day) return;
        const streak = last && last.day === prevDay(day) ? last.streak + 1 : 1;
        const points = 10 + Math.min(2 * (streak - 1), 20);
        const pk = `${chatKey}|${day}`;
        const position = (positions.get(pk) ?? 0) + 1;
        positions.set(pk, position);
        lastCheckin.set(member, { day, streak });
        insCheckin.run(member, day, chatKey, at, streak, points, position, l.id);
        insLedger.run(member, points, 'checkin', `${member}:${day}`, null, null, at);
        upBalance.run(member, points, points);
        upWeekly.run(weekStart(day), member, points);
        upCheckins.run(member, chatKey, day);
        touch.run(at, member);
      } else if (l.text.startsWith('/award ')) {
        const [, mention, amount] = l.text.split(' ');
        const target = ensure(mention!.slice(1), undefined, at);
        insLedger.run(target, Number(amount), 'award', `local:${l.chat}:m:${l.id}`, member, null, at);
        upBalance.run(target, Number(amount), Number(amount));
        upWeekly.run(weekStart(day), target, Number(amount));
        insAudit.run(at, member, 'points.award', target, JSON.stringify({ amount: Number(amount) }), null);
      }
    });

    const latencies = new Float64Array(lines.length);
    let n = 0;
    let busyMs = 0;
    for (const text of lines) {
      const l = JSON.parse(text) as GeneratedLine;
      if (l.type === 'tick') continue;
      const t0 = performance.now();
      handle(l, Date.parse(l.at));
      const ms = performance.now() - t0;
      latencies[n++] = ms;
      busyMs += ms;
    }
    // Events per second of transaction time only: the parse between events is not SQLite's cost.
    const seconds = busyMs / 1000;
    db.close();
    const sample = latencies.subarray(0, n);
    return {
      events: n,
      seconds,
      eventsPerSec: n / seconds,
      p50Ms: percentile(sample, 50),
      p99Ms: percentile(sample, 99),
      notes: { p999Ms: percentile(sample, 99.9), maxMs: percentile(sample, 100) },
    };
  },
};

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
 * last-active; for a check-in the check-in row and a credit (ledger row, balance, weekly total);
 * for an award a credit and an audit row; for a post or a share (the earning rules' defaults:
 * length, cooldown, daily caps, exact-duplicate check) its post or claim row, share activity, a
 * credit, and the new-member task rows and bonuses — with raw better-sqlite3 prepared statements, one transaction
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

    const insPost = s.prepare('INSERT OR IGNORE INTO earn_posts (member_id, day, at, fingerprint, paid, event_key) VALUES (?, ?, ?, ?, ?, ?)');
    const insClaim = s.prepare('INSERT OR IGNORE INTO share_claims (member_id, chat_key, day, at, url, status, event_key) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const insTask = s.prepare('INSERT OR IGNORE INTO member_tasks (member_id, task, at) VALUES (?, ?, ?)');
    const upShares = upActivity('shares');

    const memberOf = new Map<string, number>();
    // What the earning rules (content/community.yaml defaults) would read, kept in memory.
    const lastPaidPost = new Map<number, number>();
    const paidPostsOn = new Map<string, number>();
    const sharesOn = new Map<string, number>();
    const recentTexts = new Map<number, { text: string; at: number }[]>();
    const tasksDone = new Map<number, Set<string>>();
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

    const credit = (member: number, points: number, reason: string, source: string, day: string, at: number) => {
      insLedger.run(member, points, reason, source, null, null, at);
      upBalance.run(member, points, points);
      upWeekly.run(weekStart(day), member, points);
    };
    const task = (member: number, name: string, points: number, day: string, at: number) => {
      const done = tasksDone.get(member) ?? new Set<string>();
      tasksDone.set(member, done);
      if (done.has(name)) return;
      done.add(name);
      insTask.run(member, name, at);
      if (points > 0) credit(member, points, `task.${name}`, String(member), day, at);
      if (done.size === 3) credit(member, 20, 'task.all', String(member), day, at);
    };

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
        credit(member, points, 'checkin', `${member}:${day}`, day, at);
        upCheckins.run(member, chatKey, day);
        touch.run(at, member);
        task(member, 'first-checkin', 0, day, at);
      } else if (l.text.startsWith('/award ')) {
        const [, mention, amount] = l.text.split(' ');
        const target = ensure(mention!.slice(1), undefined, at);
        insLedger.run(target, Number(amount), 'award', `local:${l.chat}:m:${l.id}`, member, null, at);
        upBalance.run(target, Number(amount), Number(amount));
        upWeekly.run(weekStart(day), target, Number(amount));
        insAudit.run(at, member, 'points.award', target, JSON.stringify({ amount: Number(amount) }), null);
      } else if (l.text.startsWith('/')) {
        return;
      } else if (l.links || l.forwarded || l.card) {
        // A share: 5 points, at most 3 a day.
        upShares.run(member, chatKey, day);
        touch.run(at, member);
        const key = `${member}|${day}`;
        if ((sharesOn.get(key) ?? 0) >= 3) return;
        sharesOn.set(key, (sharesOn.get(key) ?? 0) + 1);
        const eventKey = `local:${l.chat}:m:${l.id}`;
        insClaim.run(member, chatKey, day, at, l.links?.[0] ?? null, 'paid', eventKey);
        credit(member, 5, 'share', eventKey, day, at);
        task(member, 'first-share', 5, day, at);
      } else if ([...l.text].length >= 10) {
        // A post: 2 points unless the same text was posted in the last day, within 60 s of the last
        // paid post, or past 10 paid posts that day.
        const recent = (recentTexts.get(member) ?? []).filter((r) => r.at > at - 86_400_000);
        recentTexts.set(member, [...recent, { text: l.text, at }]);
        const duplicate = recent.some((r) => r.text === l.text);
        const key = `${member}|${day}`;
        const pays = !duplicate && at - (lastPaidPost.get(member) ?? 0) >= 60_000 && (paidPostsOn.get(key) ?? 0) < 10;
        const eventKey = `local:${l.chat}:m:${l.id}`;
        insPost.run(member, day, at, l.text, pays ? 1 : 0, eventKey);
        if (duplicate) return;
        if (pays) {
          lastPaidPost.set(member, at);
          paidPostsOn.set(key, (paidPostsOn.get(key) ?? 0) + 1);
          credit(member, 2, 'post', eventKey, day, at);
        }
        task(member, 'first-post', 5, day, at);
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

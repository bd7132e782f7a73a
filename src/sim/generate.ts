import { addDays, offsetMs, startOfLocalDay } from '../core/clock.ts';
import { seededRng, type Rng } from './prng.ts';

/**
 * A synthetic community as `hearth simulate` input lines (DESIGN §7): members joining over time,
 * heavy-tailed activity (a few daily regulars, many occasional members, some who go quiet and
 * some who leave), check-ins with streaks, posts, shares with links, reactions, a few
 * redemptions and operator awards, all on local days of the community's time zone. The same
 * options and seed always give the same lines. It feeds `npm run bench`, the demo community and
 * anything that needs a realistic stream without a chat platform.
 */
export interface GenerateOptions {
  readonly members: number;
  readonly days: number;
  readonly seed: string | number;
  /** IANA zone whose local days the activity follows (the community's zone). */
  readonly timeZone: string;
  /** The first local day (`YYYY-MM-DD`); default 2026-03-02. */
  readonly start?: string;
  /** The operator who sends `/award` (a `roles.operators` user on the local platform); default `op`. */
  readonly operator?: string;
  /** Reward SKUs members `/redeem`. */
  readonly skus?: readonly string[];
  /** A `tick` at each local midnight so daily jobs run; default true. */
  readonly ticks?: boolean;
  /** Called after each generated day (for a progress bar). */
  readonly onDay?: (done: number, days: number, lines: number) => void;
}

/** One generated line, exactly what `simulate` reads. */
export type GeneratedLine =
  | { at: string; type: 'message'; id: string; chat: string; user: string; name?: string; lang?: string; text: string; links?: string[]; forwarded?: boolean; card?: { title: string; url: string } }
  | { at: string; type: 'member.joined' | 'member.left'; id: string; chat: string; user: string; name?: string }
  | { at: string; type: 'reaction'; id: string; chat: string; user: string; name?: string; message: string; emoji: string }
  | { at: string; type: 'tick' };

/** A line before its time is formatted. */
type Unstamped<L = GeneratedLine> = L extends unknown ? Omit<L, 'at'> : never;

/** The group chats members live in: the unbound lobby (lowest tier) and the two bound tier groups. */
export const GENERATED_CHATS = ['lobby', 'advanced', 'core'] as const;
/** The SKUs of the shipped `content/rewards.yaml`, for callers that do not pass their own. */
export const DEFAULT_SKUS = ['sticker-pack', 'coupon-10', 'tote-bag', 'streak-repair'] as const;
export const DEFAULT_START = '2026-03-02';

const ZH_SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高'];
const ZH_GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '小雨', '子涵', '欣怡', '浩然'];
const EN_FIRST = ['Alice', 'Bob', 'Chen', 'Dana', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivan', 'Jo', 'Kai', 'Lena', 'Mo', 'Nia', 'Omar', 'Pia', 'Quinn', 'Rui', 'Sam', 'Tess'];
const EN_LAST = ['A.', 'B.', 'C.', 'D.', 'K.', 'L.', 'M.', 'P.', 'R.', 'S.', 'T.', 'W.'];
const ZH_POSTS = ['今天的新品好好看', '有人试过这个颜色吗？', '早上好大家', '刚收到快递，包装很用心', '求推荐适合送人的款', '周末活动几点开始？', '这个价格太香了', '分享一下我的使用感受：质感不错，续航也够用', '第一次参加群活动，请多关照', '晚安'];
const EN_POSTS = ['Morning all!', 'Has anyone tried the new colour?', 'Just got my order, lovely packaging', 'What time does the weekend event start?', 'Here is my honest review after two weeks: solid build, battery lasts', 'Thanks for the tips yesterday', 'Good night'];
const AWARD_REASONS = ['精彩分享', 'helpful answer', '活动获奖', 'great photo'];
const EMOJI = ['👍', '❤️', '🎉', '😂'];

/** Local minute of day for an interaction: peaks at breakfast, lunch and evening, none at night. */
function minuteOfDay(rng: Rng, from: number): number {
  const around = (centre: number, spread: number) => centre + (rng.next() + rng.next() + rng.next() - 1.5) * spread;
  const r = rng.next();
  const m = r < 0.2 ? around(540, 120) : r < 0.35 ? around(750, 90) : r < 0.65 ? around(1260, 150) : 420 + rng.next() * 1020;
  return Math.max(from, Math.min(1439, Math.floor(m)));
}

/** Formats an instant as ISO-8601 with the zone's offset, e.g. `2026-03-02T09:00:00+08:00`. */
function offsetIso(ms: number, timeZone: string, cache: Map<number, { off: number; suffix: string }>): string {
  // Quarter-hour buckets: offsets and their changes fall on multiples of 15 minutes.
  const hour = Math.floor(ms / 900_000);
  let zone = cache.get(hour);
  if (zone === undefined) {
    const off = offsetMs(new Date(ms), timeZone);
    const abs = Math.abs(off) / 60_000;
    zone = { off, suffix: `${off < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}` };
    cache.set(hour, zone);
  }
  return `${new Date(ms + zone.off).toISOString().slice(0, 19)}${zone.suffix}`;
}

/** Yields the community's lines in time order, one local day at a time (memory stays per-day). */
export function* generateCommunity(options: GenerateOptions): Generator<GeneratedLine> {
  const { members: n, days, timeZone } = options;
  if (!Number.isInteger(n) || n < 1) throw new Error('members must be a whole number ≥ 1');
  if (!Number.isInteger(days) || days < 1) throw new Error('days must be a whole number ≥ 1');
  const rng = seededRng(options.seed);
  const start = options.start ?? DEFAULT_START;
  const operator = options.operator ?? 'op';
  const skus = options.skus && options.skus.length > 0 ? options.skus : DEFAULT_SKUS;
  const offsets = new Map<number, { off: number; suffix: string }>();
  const salt = rng.int(0, 9973);

  // Per-member traits in typed arrays so a million members fit comfortably.
  const weight = new Float32Array(n);
  const joinDay = new Int32Array(n);
  const quitDay = new Int32Array(n);
  const leaves = new Uint8Array(n);
  const home = new Uint8Array(n);
  const zh = new Uint8Array(n);
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // Pareto tail: most members weigh ~1-3 (a few active days), a few dozen-plus (daily regulars).
    const w = Math.min(200, rng.pareto(1.3, 1));
    weight[i] = w;
    // A third of the community predates the window (no join event); the rest join over time,
    // more of them early (a launch push) than late.
    joinDay[i] = rng.chance(0.35) ? -1 : Math.floor(Math.pow(rng.next(), 1.4) * days);
    const quiet = w < 8 && rng.chance(0.3);
    quitDay[i] = quiet ? Math.max(joinDay[i]!, 0) + rng.int(1, Math.max(1, Math.ceil(days / 2))) : days;
    leaves[i] = quiet && rng.chance(0.25) ? 1 : 0;
    home[i] = w >= 10 ? (rng.chance(0.4) ? 2 : rng.chance(0.5) ? 1 : 0) : rng.chance(0.08) ? 1 : 0;
    zh[i] = rng.chance(0.7) ? 1 : 0;
  }
  const userOf = (i: number) => `u${i + 1}`;
  const nameOf = (i: number) =>
    zh[i] ? `${ZH_SURNAMES[(i * 7 + salt) % ZH_SURNAMES.length]}${ZH_GIVEN[(i * 13 + salt) % ZH_GIVEN.length]}` : `${EN_FIRST[(i * 11 + salt) % EN_FIRST.length]} ${EN_LAST[(i * 5 + salt) % EN_LAST.length]}`;

  let seq = 0;
  let lines = 0;
  let operatorSeen = false;
  let recentMessages: string[][] = GENERATED_CHATS.map(() => []);
  for (let d = 0; d < days; d++) {
    const day = addDays(start, d);
    const dayStart = startOfLocalDay(day, timeZone).getTime();
    const dayEnd = startOfLocalDay(addDays(day, 1), timeZone).getTime();
    const at = (minute: number) => Math.min(dayEnd - 1000, dayStart + minute * 60_000 + rng.int(0, 59) * 1000);
    const batch: { t: number; line: Unstamped }[] = [];
    const todayMessages: string[][] = GENERATED_CHATS.map(() => []);
    const activeToday: number[] = [];
    const push = (t: number, line: Unstamped) => batch.push({ t, line });
    const intro = (i: number): { name?: string; lang?: string } => {
      if (seen[i]) return {};
      seen[i] = 1;
      return { name: nameOf(i), lang: zh[i] ? 'zh-CN' : 'en' };
    };

    for (let i = 0; i < n; i++) {
      const joined = joinDay[i]!;
      if (joined > d || d > quitDay[i]!) continue;
      const chat = GENERATED_CHATS[home[i]!]!;
      const user = userOf(i);
      let from = 0;
      if (joined === d) {
        from = minuteOfDay(rng, 0);
        const { name } = intro(i);
        push(at(from), { type: 'member.joined', id: `e${++seq}`, chat, user, ...(name ? { name } : {}) });
      }
      if (d === quitDay[i]!) {
        if (leaves[i]) push(at(minuteOfDay(rng, from)), { type: 'member.left', id: `e${++seq}`, chat, user });
        continue;
      }
      const w = weight[i]!;
      // Newcomers usually say hello on the day they join.
      if (!rng.chance(joined === d ? 0.6 : Math.min(0.95, 0.04 * w))) continue;
      activeToday.push(i);
      const count = 1 + Math.min(30, rng.geometric(0.4 * Math.pow(w, 0.8)));
      const minutes: number[] = [];
      for (let k = 0; k < count; k++) minutes.push(minuteOfDay(rng, from));
      minutes.sort((a, b) => a - b);
      const checksIn = rng.chance(0.3 + 0.6 * Math.min(1, w / 20));
      const chatIndex = home[i]!;
      for (let k = 0; k < count; k++) {
        const t = at(minutes[k]!);
        const id = `e${++seq}`;
        const who = intro(i);
        if (k === 0 && checksIn) {
          push(t, { type: 'message', id, chat, user, ...who, text: zh[i] && rng.chance(0.5) ? '签到' : '/checkin' });
          continue;
        }
        if (k === count - 1 && d >= 3 && rng.chance(0.02 * Math.min(1, w / 10))) {
          push(t, { type: 'message', id, chat, user, ...who, text: `/redeem ${rng.pick(skus)}` });
          continue;
        }
        const r = rng.next();
        const recent = recentMessages[chatIndex]!;
        if (r < 0.12 && recent.length > 0) {
          push(t, { type: 'reaction', id, chat, user, ...(who.name ? { name: who.name } : {}), message: rng.pick(recent), emoji: rng.pick(EMOJI) });
        } else if (r < 0.3) {
          const url = `https://brand.example/p/${rng.int(1, 500)}`;
          const style = rng.next();
          push(t, {
            type: 'message',
            id,
            chat,
            user,
            ...who,
            text: zh[i] ? '分享一个好物' : 'Worth a look',
            links: [url],
            ...(style < 0.3 ? { forwarded: true } : style < 0.4 ? { card: { title: 'Brand story', url } } : {}),
          });
          todayMessages[chatIndex]!.push(id);
        } else {
          const phrases = zh[i] ? ZH_POSTS : EN_POSTS;
          const parts = 1 + rng.geometric(0.4);
          const text = Array.from({ length: parts }, () => rng.pick(phrases)).join(zh[i] ? '，' : ' ');
          push(t, { type: 'message', id, chat, user, ...who, text });
          todayMessages[chatIndex]!.push(id);
        }
      }
    }

    // The operator hands out a few awards a day, to members who were active that day.
    const awards = activeToday.length === 0 ? 0 : Math.min(20, 1 + Math.floor(n / 5000));
    for (let k = 0; k < awards; k++) {
      const target = rng.pick(activeToday);
      // No language of its own: the operator is answered in the community's.
      const name = operatorSeen ? {} : { name: 'Operator' };
      operatorSeen = true;
      push(at(minuteOfDay(rng, 600)), { type: 'message', id: `e${++seq}`, chat: 'lobby', user: operator, ...name, text: `/award @${userOf(target)} ${rng.pick([20, 50, 100])} ${rng.pick(AWARD_REASONS)}` });
    }

    batch.sort((a, b) => a.t - b.t);
    for (const { t, line } of batch) {
      lines++;
      yield { at: offsetIso(t, timeZone, offsets), ...line } as GeneratedLine;
    }
    if (options.ticks ?? true) {
      lines++;
      yield { at: offsetIso(dayEnd, timeZone, offsets), type: 'tick' };
    }
    recentMessages = todayMessages.map((ids) => ids.slice(-200));
    options.onDay?.(d + 1, days, lines);
  }
}

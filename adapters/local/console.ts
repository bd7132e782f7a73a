import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Outbound } from '../../src/core/outbound.ts';
import { renderPlain } from '../../src/core/outbound.ts';
import type { LocalAdapter } from './local-adapter.ts';
import { localMemberEvent, localMessageEvent } from './local-events.ts';

export interface ConsoleOptions {
  readonly adapter: LocalAdapter;
  readonly input: Readable;
  readonly output: Writable;
  readonly now: () => Date;
  readonly user?: string;
  readonly chat?: string;
}

export const CONSOLE_HELP = [
  'You are chatting on the local platform. Type as a member; lines starting with ":" control the console:',
  '  :as NAME      speak as another member (e.g. :as bob, :as op for an operator, :as mod for a moderator)',
  '  :in GROUP     move to another group (e.g. :in core); :dm for a direct chat with the bot',
  '  :join / :leave  join or leave the current group as the current member',
  '  :help         this text;  :quit  leave',
  'Try: /checkin (or 签到), /points, /rank, /help',
].join('\n');

/** Prints an outbound message the way a chat would show it. */
export function formatForConsole(out: Outbound): string {
  const text = renderPlain(out.body);
  switch (out.type) {
    case 'reply':
    case 'send':
      return `[${out.chat.chatId}] bot: ${text}`;
    case 'dm':
      return `[dm → ${out.user.userId}] bot: ${text}`;
    case 'invite':
      return `[invite → ${out.user.userId} to ${out.door.kind === 'chat' ? out.door.chat.chatId : `role ${out.door.roleId}`}] bot: ${text}`;
    case 'revoke':
      return `[revoke ← ${out.user.userId} from ${out.door.kind === 'chat' ? out.door.chat.chatId : `role ${out.door.roleId}`}]${text === '' ? '' : ` bot: ${text}`}`;
  }
}

/**
 * The interactive local chat `npm start` opens when no platform token is set: a newcomer can see
 * check-in and points work within a minute, without any chat platform.
 */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const { adapter, input, output } = options;
  let user = options.user ?? 'alice';
  let chat: string | undefined = options.chat ?? 'g1';
  let seq = 0;
  const rl = createInterface({ input, output, terminal: false });
  const prompt = () => output.write(`${chat ? `[${chat}]` : '[dm]'} ${user}> `);
  output.write(`${CONSOLE_HELP}\n`);
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    const at = options.now();
    const id = `c${at.getTime()}-${++seq}`;
    if (line === ':quit' || line === ':q') break;
    if (line.startsWith(':as ')) user = line.slice(4).trim() || user;
    else if (line.startsWith(':in ')) chat = line.slice(4).trim() || chat;
    else if (line === ':dm') chat = undefined;
    else if (line === ':help') output.write(`${CONSOLE_HELP}\n`);
    else if ((line === ':join' || line === ':leave') && chat) {
      await adapter.inject(localMemberEvent(line === ':join' ? 'member.joined' : 'member.left', { chat, user, id, at }));
    } else if (line !== '') {
      await adapter.inject(localMessageEvent({ ...(chat ? { chat } : {}), user, text: line, id, at }));
    }
    prompt();
  }
  rl.close();
}

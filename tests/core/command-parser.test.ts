import { describe, expect, it } from 'vitest';
import { CommandParser, tokenize } from '../../src/core/command-parser.ts';
import { arg, defineCommand, type CommandSpec } from '../../src/core/command.ts';

const noop = () => {};
const table: CommandSpec[] = [
  defineCommand({ name: 'checkin', aliases: ['qd'], bare: ['签到'], feature: 't', args: [], role: 'member', where: 'group', handler: noop }),
  defineCommand({ name: 'award', feature: 't', args: [arg.member('member'), arg.int('amount'), arg.optional(arg.text('reason'))], role: 'operator', where: 'any', handler: noop }),
];
const parser = new CommandParser(table);

describe('tokenize', () => {
  it('given ASCII and full-width spaces, then splits on both', () => {
    expect(tokenize('a b\u3000c   d')).toEqual(['a', 'b', 'c', 'd']);
  });
  it('given "…" and “…” quotes, then keeps the quoted words together', () => {
    expect(tokenize('x "two words" “三 个 字” y')).toEqual(['x', 'two words', '三 个 字', 'y']);
  });
  it('given an unclosed quote, then it takes the rest', () => {
    expect(tokenize('a "b c')).toEqual(['a', 'b c']);
  });
});

describe('CommandParser', () => {
  it.each(['/checkin', '!checkin', '！checkin', '/qd', '签到', '  /CHECKIN  '])('given %s, then it invokes checkin', (text) => {
    expect(parser.parse(text)?.command.name).toBe('checkin');
  });
  it('given /cmd@thisbot, then it runs; given /cmd@otherbot, then it is ignored', () => {
    expect(parser.parse('/checkin@hearth_bot', 'Hearth_Bot')?.command.name).toBe('checkin');
    expect(parser.parse('/checkin@other_bot', 'hearth_bot')).toBeUndefined();
  });
  it('given a bare alias inside a sentence, then it is not a command', () => {
    expect(parser.parse('我今天签到了')).toBeUndefined();
    expect(parser.parse('hello /checkin')).toBeUndefined();
  });
  it('given an unknown command, then it is an ordinary message', () => {
    expect(parser.parse('/nope')).toBeUndefined();
  });
  it('given arguments after a full-width space, then they are tokenised', () => {
    const p = parser.parse('/award\u3000@u1\u300010 “good job”');
    expect(p?.tokens).toEqual(['@u1', '10', 'good job']);
    expect(p?.invokedAs).toBe('/award');
  });
  it('given two commands claiming one word, then building the parser fails loudly', () => {
    const clash = [table[0]!, defineCommand({ name: 'other', bare: ['签到'], feature: 't', args: [], role: 'member', where: 'any', handler: noop })];
    expect(() => new CommandParser(clash)).toThrow(/签到/);
  });
});

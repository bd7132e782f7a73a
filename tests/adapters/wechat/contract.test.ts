import { adapterContract, type NativeText } from '../contract.ts';
import { AT_SEPARATOR, WECHAT_TEXT_LIMIT } from '../../../adapters/wechat/render.ts';
import { BOT, ROOM, wechatLane, ZHANG } from './lane.ts';

/**
 * WeChat under the shared contract: the real Wechaty over wechaty-puppet-mock. wechaty cannot
 * send a quote, so a reply is a room message that opens with a mention of the member it answers;
 * `received` reads it the way a member does: that mention says which of their messages (the
 * latest) it answers, and the text after it is the answer.
 */
adapterContract('wechat', async () => {
  const lane = await wechatLane();
  const delivered: { id: string; chat: string; user: string; name: string }[] = [];
  return {
    adapter: lane.adapter,
    group: ROOM.id,
    member: { user: ZHANG.id, name: ZHANG.name },
    limit: WECHAT_TEXT_LIMIT,
    async deliver(msg: NativeText) {
      let text = msg.text;
      const mentions: string[] = [];
      if (msg.mention) {
        try {
          lane.contactOf(msg.mention.user);
        } catch {
          lane.mocker.createContact({ id: msg.mention.user, name: msg.mention.name });
          lane.room.payload.memberIdList.push(msg.mention.user);
        }
        text += ` @${msg.mention.name}${AT_SEPARATOR}`;
        mentions.push(msg.mention.user);
      }
      if (msg.link) text += ` ${msg.link}`;
      const from = msg.fromSelf ? BOT.id : msg.user;
      if (!msg.fromSelf) delivered.push({ id: msg.id, chat: msg.chat, user: msg.user, name: msg.name });
      return lane.say(from, msg.chat, text, { id: msg.id, mentions });
    },
    received: (chat) =>
      lane.puppet.sent
        .filter((s) => s.conversationId === chat)
        .map((s) => {
          const answered = [...delivered].reverse().find((d) => d.chat === chat && s.mentionIds[0] === d.user && s.text.startsWith(`@${d.name}${AT_SEPARATOR}`));
          return answered ? { text: s.text.slice(`@${answered.name}${AT_SEPARATOR}`.length), replyTo: answered.id } : { text: s.text };
        }),
    close: () => lane.adapter.stop(),
  };
});

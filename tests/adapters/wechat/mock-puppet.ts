import { PuppetMock, mock } from 'wechaty-puppet-mock';
import type { FileBoxInterface } from 'file-box';
import type { payloads } from 'wechaty';

/** What the bot sent through the puppet: the conversation, the text and the ids it mentions. */
export interface PuppetSend {
  readonly conversationId: string;
  readonly text: string;
  readonly mentionIds: readonly string[];
  readonly at: number;
}

/** A file (a picture) the bot sent through the puppet. */
export interface PuppetFileSend {
  readonly conversationId: string;
  readonly name: string;
  readonly mediaType: string;
  readonly base64: string;
}

/**
 * wechaty-puppet-mock with a record of what the bot sends and per-message card payloads. The mock
 * drops the mention ids of a send and answers every `messageUrl` with one fixed card; a real
 * puppet does neither, so this subclass keeps both, through the puppet's own methods.
 */
export class RecordingPuppetMock extends PuppetMock {
  readonly sent: PuppetSend[] = [];
  readonly files: PuppetFileSend[] = [];
  readonly urlCards = new Map<string, payloads.UrlLink>();
  readonly miniPrograms = new Map<string, payloads.MiniProgram>();
  readonly qrCodes = new Map<string, string>();
  readonly added: { roomId: string; contactId: string }[] = [];
  /** Rooms where `room.add` fails (the bot is not an owner or admin there). */
  readonly addRefused = new Set<string>();

  constructor(mocker = new mock.Mocker(), private readonly clock: () => number = () => Date.now()) {
    super({ mocker });
  }

  override async messageSendText(conversationId: string, text: string, mentionIdList?: string[]): Promise<void> {
    this.sent.push({ conversationId, text, mentionIds: mentionIdList ?? [], at: this.clock() });
    await super.messageSendText(conversationId, text);
  }

  override async messageSendFile(conversationId: string, file: FileBoxInterface): Promise<void> {
    this.files.push({ conversationId, name: file.name, mediaType: file.mediaType, base64: await file.toBase64() });
    await super.messageSendFile(conversationId, file);
  }

  override async messageUrl(messageId: string): Promise<payloads.UrlLink> {
    return this.urlCards.get(messageId) ?? super.messageUrl(messageId);
  }

  override async messageMiniProgram(messageId: string): Promise<payloads.MiniProgram> {
    return this.miniPrograms.get(messageId) ?? super.messageMiniProgram(messageId);
  }

  override async roomAdd(roomId: string, contactId: string): Promise<void> {
    if (this.addRefused.has(roomId)) throw new Error(`roomAdd(${roomId}): permission denied, the bot is not an admin`);
    this.added.push({ roomId, contactId });
    await super.roomAdd(roomId, contactId);
  }

  override async roomQRCode(roomId: string): Promise<string> {
    return this.qrCodes.get(roomId) ?? super.roomQRCode(roomId);
  }
}

// Sends the engine's messages through the Max Bot API (POST /messages) and says how it went, in
// the dispatcher's terms. Pacing and retries are in the client's fetch (limiter.ts).
import type { Api } from '@maxhub/max-bot-api';
import type { AttachmentRequest } from '@maxhub/max-bot-api/types';
import type { ChannelSender } from '../../delivery/ports.js';
import { splitText } from '../../delivery/split-text.js';
import type { ChatMessage, OutboundMessage } from '../../engine/events.js';
import { parseChatId } from './inbound.js';
import { keyboardAttachment, promptRows } from './keyboard.js';
import { failureOf } from './limiter.js';
import { uploadAttachment } from './upload.js';

/** Max caps a message's text at 4,000 characters; longer texts go in parts, split at line breaks. */
export const MAX_TEXT_LIMIT = 4000;

/** The deep link that opens the bot with a payload (at most 128 characters, dev.max.ru/help/deeplinks). */
export const startLink = (botUsername: string, code: string): string =>
  `https://max.ru/${botUsername}?start=${encodeURIComponent(code)}`;

export interface MaxSenderOptions {
  botUsername: () => string | undefined;
  /** The last question with buttons in each chat: a typed answer makes them stale. */
  prompted?: (chatId: string, messageId: string) => void;
  /** Waits between tries of a message whose file Max is still processing (tests: short). */
  notReadyDelaysMs?: readonly number[];
}

/**
 * Max answers `attachment.not.ready` while it still processes a file just uploaded, and the docs
 * ask to send again a little later (dev.max.ru, sending messages with media).
 */
const NOT_READY_DELAYS_MS = [500, 1000, 2000, 4000];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const notReady = (error: unknown) =>
  error instanceof Error && 'code' in error && (error as { code?: string }).code === 'attachment.not.ready';

export function promptText(prompt: Extract<OutboundMessage, { kind: 'prompt' }>): string {
  return prompt.hint ? `${prompt.text}\n\n${prompt.hint}` : prompt.text;
}

export function createMaxSender(api: Api, options: MaxSenderOptions): ChannelSender {
  function attachmentsFor(message: ChatMessage): AttachmentRequest[] {
    if (message.kind === 'prompt') {
      const rows = promptRows(message);
      return rows.length ? [keyboardAttachment(rows)] : [];
    }
    const bot = options.botUsername();
    if (!message.startLink || !bot) return [];
    return [
      keyboardAttachment([
        [{ type: 'link', text: message.startLink.label, url: startLink(bot, message.startLink.code) }],
      ]),
    ];
  }

  const sender: ChannelSender = {
    channel: 'max',
    async send(chatId, message) {
      const target = parseChatId(chatId);
      if (!target)
        return { ok: false, kind: 'chat_not_found', detail: `not a Max chat id: ${chatId}`, retryable: false };
      const text = message.kind === 'prompt' ? promptText(message) : message.text;
      const attachments = attachmentsFor(message);
      const parts = splitText(text, MAX_TEXT_LIMIT);
      try {
        let last: string | undefined;
        for (const [i, part] of parts.entries()) {
          // The keyboard goes with the last part, right under the question.
          const extra = {
            ...(i === parts.length - 1 && attachments.length ? { attachments } : {}),
            disable_link_preview: message.kind === 'prompt',
          };
          const sent =
            'userId' in target
              ? await api.sendMessageToUser(target.userId, part, extra)
              : await api.sendMessageToChat(target.chatId, part, extra);
          last = sent.body.mid;
        }
        if (message.kind === 'prompt' && attachments.length && last) options.prompted?.(chatId, last);
        return { ok: true, ...(last ? { messageId: last } : {}) };
      } catch (error) {
        return failureOf(error, 'userId' in target);
      }
    },

    async sendFile(chatId, file) {
      const target = parseChatId(chatId);
      if (!target)
        return { ok: false, kind: 'chat_not_found', detail: `not a Max chat id: ${chatId}`, retryable: false };
      let attachment: AttachmentRequest;
      try {
        attachment = await uploadAttachment(api, file);
      } catch (error) {
        // The file did not get to Max (offline, refused): the person still learns what it is and
        // where to get it. A chart without a fallback goes with its figures, already sent.
        const failure = failureOf(error, 'userId' in target);
        return file.fallback ? sender.send(chatId, { kind: 'text', text: file.fallback }) : failure;
      }
      const extra = { attachments: [attachment] };
      const caption = splitText(file.text, MAX_TEXT_LIMIT)[0] ?? '';
      const delays = options.notReadyDelaysMs ?? NOT_READY_DELAYS_MS;
      for (let attempt = 0; ; attempt += 1) {
        try {
          const sent =
            'userId' in target
              ? await api.sendMessageToUser(target.userId, caption, extra)
              : await api.sendMessageToChat(target.chatId, caption, extra);
          return { ok: true, messageId: sent.body.mid };
        } catch (error) {
          const delay = delays[attempt];
          if (notReady(error) && delay !== undefined) {
            await sleep(delay);
            continue;
          }
          return failureOf(error, 'userId' in target);
        }
      }
    },
  };
  return sender;
}

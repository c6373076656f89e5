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

/** Max caps a message's text at 4,000 characters; longer texts go in parts, split at line breaks. */
export const MAX_TEXT_LIMIT = 4000;

/** The deep link that opens the bot with a payload (at most 128 characters, dev.max.ru/help/deeplinks). */
export const startLink = (botUsername: string, code: string): string =>
  `https://max.ru/${botUsername}?start=${encodeURIComponent(code)}`;

export interface MaxSenderOptions {
  botUsername: () => string | undefined;
  /** The last question with buttons in each chat: a typed answer makes them stale. */
  prompted?: (chatId: string, messageId: string) => void;
}

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

  return {
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
  };
}

// Sends the engine's messages through the Bot API and says how it went, in the dispatcher's terms.
import { GrammyError, HttpError, InputFile, type Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { ChannelSender, SendOutcome } from '../../delivery/ports.js';
import { splitText } from '../../delivery/split-text.js';
import type { OutboundMessage } from '../../engine/events.js';
import { promptKeyboard, promptText } from './keyboard.js';
import type { KeyboardState } from './keyboard-state.js';

/** Telegram caps a message at 4,096 characters; longer texts go in parts, split at line breaks. */
export const TELEGRAM_TEXT_LIMIT = 4000;

export function failureOf(error: unknown): Exclude<SendOutcome, { ok: true }> {
  if (error instanceof GrammyError) {
    if (error.error_code === 403) return { ok: false, kind: 'blocked', detail: error.description, retryable: false };
    if (error.error_code === 400 && /chat not found|user not found|PEER_ID_INVALID/i.test(error.description)) {
      return { ok: false, kind: 'chat_not_found', detail: error.description, retryable: false };
    }
    return {
      ok: false,
      kind: 'failed',
      detail: error.description,
      retryable: error.error_code === 429 || error.error_code >= 500,
    };
  }
  if (error instanceof HttpError)
    return { ok: false, kind: 'failed', detail: `network: ${error.message}`, retryable: true };
  return { ok: false, kind: 'failed', detail: (error as Error).message, retryable: false };
}

export function createTelegramSender(
  api: Api,
  options: { botUsername: string | undefined; keyboards?: KeyboardState },
): ChannelSender {
  const startButton = (message: Extract<OutboundMessage, { kind: 'text' }>): InlineKeyboardMarkup | undefined =>
    message.startLink && options.botUsername
      ? {
          inline_keyboard: [
            [
              {
                text: message.startLink.label,
                url: `https://t.me/${options.botUsername}?start=${encodeURIComponent(message.startLink.code)}`,
              },
            ],
          ],
        }
      : undefined;

  return {
    channel: 'telegram',
    async send(chatId, message) {
      const text = message.kind === 'prompt' ? promptText(message) : message.text;
      const markup = message.kind === 'prompt' ? promptKeyboard(message) : startButton(message);
      const parts = splitText(text, TELEGRAM_TEXT_LIMIT);
      try {
        let last: number | undefined;
        for (const [i, part] of parts.entries()) {
          // The keyboard goes with the last part, right under the question.
          const extra = i === parts.length - 1 && markup ? { reply_markup: markup } : {};
          last = (
            await api.sendMessage(chatId, part, {
              ...extra,
              link_preview_options: { is_disabled: message.kind === 'prompt' },
            })
          ).message_id;
        }
        if (message.kind === 'prompt' && markup && last !== undefined) options.keyboards?.prompted(chatId, last);
        return { ok: true, ...(last !== undefined ? { messageId: String(last) } : {}) };
      } catch (error) {
        return failureOf(error);
      }
    },
    async sendFile(chatId, file) {
      const input = new InputFile(file.data, file.filename);
      try {
        const sent = file.picture
          ? await api.sendPhoto(chatId, input, { caption: file.text })
          : await api.sendDocument(chatId, input, { caption: file.text });
        return { ok: true, messageId: String(sent.message_id) };
      } catch (error) {
        return failureOf(error);
      }
    },
  };
}

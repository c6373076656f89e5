// The dispatcher's way into WhatsApp: render the engine's message as text and queue it. The paced
// outbox sends it later (seconds to an hour), so "ok" here means "accepted for sending"; a chat
// WhatsApp refuses for good is marked unreachable by the outbox itself.
import type { ChannelSender } from '../../delivery/ports.js';
import type { Locale } from '../../domain/locale.js';
import type { Outbox } from './outbox.js';
import { isGroupId, isPersonId } from './port.js';
import { splitText } from '../../delivery/split-text.js';
import { renderMessage, WHATSAPP_TEXT_LIMIT } from './render.js';

export function createWhatsappSender(deps: { outbox: Outbox; botPhone: () => string | undefined; locale: Locale }): ChannelSender {
  return {
    channel: 'whatsapp',
    async send(chatId, message) {
      if (!isPersonId(chatId) && !isGroupId(chatId)) {
        return { ok: false, kind: 'chat_not_found', detail: 'not a WhatsApp chat id', retryable: false };
      }
      const text = renderMessage(message, { botPhone: deps.botPhone(), locale: deps.locale });
      try {
        const [first] = await deps.outbox.enqueue(chatId, splitText(text, WHATSAPP_TEXT_LIMIT));
        return { ok: true, ...(first ? { messageId: `queued:${first}` } : {}) };
      } catch (error) {
        return { ok: false, kind: 'failed', detail: `whatsapp queue: ${(error as Error).message}`, retryable: true };
      }
    },
  };
}

// The dispatcher's way into WhatsApp: render the engine's message as text and queue it. The paced
// outbox sends it later (seconds to an hour), so "ok" here means "accepted for sending"; a chat
// WhatsApp refuses for good is marked unreachable by the outbox itself. Files (exports, reports,
// charts) wait in the same queue, their bytes in the store's files until sent.
import type { ChannelSender } from '../../delivery/ports.js';
import type { Locale } from '../../domain/locale.js';
import type { Outbox } from './outbox.js';
import { isGroupId, isPersonId } from './port.js';
import { splitText } from '../../delivery/split-text.js';
import { renderMessage, WHATSAPP_TEXT_LIMIT } from './render.js';

const MIMETYPES: Record<string, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
  json: 'application/json',
  md: 'text/markdown',
  png: 'image/png',
};

const mimetypeOf = (filename: string) =>
  MIMETYPES[filename.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

export function createWhatsappSender(deps: {
  outbox: Outbox;
  botPhone: () => string | undefined;
  locale: Locale;
  files?: boolean;
}): ChannelSender {
  const sender: ChannelSender = {
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
    async sendFile(chatId, file) {
      if (!isPersonId(chatId) && !isGroupId(chatId)) {
        return { ok: false, kind: 'chat_not_found', detail: 'not a WhatsApp chat id', retryable: false };
      }
      try {
        // A caption longer than a message would be cut by WhatsApp: the file goes with the first part.
        const caption = splitText(file.text, WHATSAPP_TEXT_LIMIT)[0] ?? '';
        const id = await deps.outbox.enqueueFile(
          chatId,
          {
            filename: file.filename,
            mimetype: mimetypeOf(file.filename),
            data: file.data,
            picture: file.picture === true,
          },
          caption,
        );
        return { ok: true, messageId: `queued:${id}` };
      } catch (error) {
        return { ok: false, kind: 'failed', detail: `whatsapp queue: ${(error as Error).message}`, retryable: true };
      }
    },
  };
  // Without a place for the bytes the dispatcher sends each file's text fallback instead.
  if (!deps.files) delete sender.sendFile;
  return sender;
}

// Who is writing: the participant behind a channel identity, linking an imported person (known by
// phone or Telegram username) to their chat account on first contact.
import type { Channel } from '../domain/channel.js';
import type { Participant } from '../domain/participant.js';
import { toE164 } from '../domain/phone.js';
import type { ParticipantInput, Repositories } from '../domain/repositories.js';
import type { InboundEvent } from './events.js';

/** The phone number a WhatsApp id carries ("77011234567@c.us"), in E.164. */
export function phoneOfWhatsappId(id: string): string | undefined {
  const digits = /^(\d{6,20})@c\.us$/.exec(id)?.[1];
  return digits ? toE164(`+${digits}`) : undefined;
}

/** Where a participant can be written to, best first: channels they blocked the bot on are left out. */
export function chatsOf(p: Participant): { channel: Channel; chatId: string }[] {
  const chats: { channel: Channel; chatId: string }[] = [];
  if (p.telegramId !== undefined && !p.unreachable?.telegram) chats.push({ channel: 'telegram', chatId: String(p.telegramId) });
  if (p.whatsappId !== undefined && !p.unreachable?.whatsapp) chats.push({ channel: 'whatsapp', chatId: p.whatsappId });
  if (p.maxId !== undefined && !p.unreachable?.max) chats.push({ channel: 'max', chatId: String(p.maxId) });
  return chats;
}

/** The identity fields a new participant gets from the event that created them. */
export function identityOf(event: InboundEvent): ParticipantInput {
  switch (event.channel) {
    case 'telegram':
      return { locale: 'ru', telegramId: Number(event.from.id), ...(event.from.username ? { telegramUsername: event.from.username } : {}) };
    case 'whatsapp': {
      const phone = phoneOfWhatsappId(event.from.id);
      return { locale: 'ru', whatsappId: event.from.id, ...(phone ? { phone } : {}) };
    }
    case 'max':
      return { locale: 'ru', maxId: Number(event.from.id) };
    default: {
      const never: never = event.channel;
      throw new Error(`unknown channel ${String(never)}`);
    }
  }
}

export async function identify(repos: Repositories, event: InboundEvent): Promise<Participant | undefined> {
  const people = repos.participants;
  // Max gives no phone and no reliable username: a person is linked only by their own id (or by a
  // code, see engine/actions/account.ts), never guessed from a name.
  if (event.channel === 'max') {
    const maxId = Number(event.from.id);
    return Number.isSafeInteger(maxId) ? people.findByMaxId(maxId) : undefined;
  }
  if (event.channel === 'telegram') {
    const telegramId = Number(event.from.id);
    if (!Number.isSafeInteger(telegramId)) return undefined;
    const known = await people.findByTelegramId(telegramId);
    if (known) return known;
    if (!event.from.username) return undefined;
    const imported = await people.findByTelegramUsername(event.from.username);
    if (!imported || imported.telegramId !== undefined) return undefined;
    const linked = await people.updateProfile(imported.id, { telegramId });
    return linked?.ok ? linked.value : undefined;
  }
  const known = await people.findByWhatsappId(event.from.id);
  if (known) return known;
  const phone = phoneOfWhatsappId(event.from.id) ?? (event.from.phone ? toE164(event.from.phone) : undefined);
  if (!phone) return undefined;
  const imported = await people.findByPhone(phone);
  if (!imported || imported.whatsappId !== undefined) return undefined;
  const linked = await people.updateProfile(imported.id, { whatsappId: event.from.id });
  return linked?.ok ? linked.value : undefined;
}

// Who is writing: the participant behind a channel identity, linking an imported person (known by
// phone or Telegram username) to their chat account on first contact.
import type { Channel } from '../domain/channel.js';
import type { Participant } from '../domain/participant.js';
import { toE164 } from '../domain/phone.js';
import type { Repositories } from '../domain/repositories.js';
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
  return chats;
}

export async function identify(repos: Repositories, event: InboundEvent): Promise<Participant | undefined> {
  const people = repos.participants;
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

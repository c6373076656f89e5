// Who is writing: the participant behind a channel address, linking an imported person (known by
// phone, or by username on that channel) to their chat account on first contact. Nothing here
// names a channel: each channel's adapter says in the InboundEvent what its ids carry (a phone for
// WhatsApp, a username for Telegram or Max), and every address has the same shape.
import type { Channel } from '../domain/channel.js';
import type { ChannelAddress, Participant } from '../domain/participant.js';
import { toE164 } from '../domain/phone.js';
import type { Repositories } from '../domain/repositories.js';
import type { InboundEvent } from './events.js';

/** Where a participant can be written to, in the order the addresses were added; blocked ones are left out. */
export function chatsOf(p: Pick<Participant, 'addresses'>): { channel: Channel; chatId: string }[] {
  return p.addresses.flatMap((a) =>
    a.id !== undefined && !a.unreachableSince ? [{ channel: a.channel, chatId: a.id }] : [],
  );
}

/** What a new participant (or a /link) takes from the event that brought them: their address and phone. */
export function identityOf(event: InboundEvent): { address: Omit<ChannelAddress, 'unreachableSince'>; phone?: string } {
  const phone = event.from.phone ? toE164(event.from.phone) : undefined;
  return {
    address: {
      channel: event.channel,
      id: event.from.id,
      ...(event.from.username ? { username: event.from.username } : {}),
    },
    ...(phone ? { phone } : {}),
  };
}

export async function identify(repos: Repositories, event: InboundEvent): Promise<Participant | undefined> {
  const people = repos.participants;
  const known = await people.findByAddress(event.channel, event.from.id);
  if (known) return known;
  const { address, phone } = identityOf(event);
  const byPhone = phone ? await people.findByPhone(phone) : undefined;
  const imported =
    byPhone ?? (address.username ? await people.findByUsername(event.channel, address.username) : undefined);
  // Someone already talking to the bot here from another account is not taken over.
  if (!imported || imported.addresses.some((a) => a.channel === event.channel && a.id !== undefined)) return undefined;
  const linked = await people.linkAddress(imported.id, address);
  return linked?.ok ? linked.value : undefined;
}

// /link: one person on several messengers. Someone the bot knows on one channel asks for a code
// there (/link), then sends it on another (/link K7P4XM9Q): that address joins the same participant.
// Never by name or guess: only the code, which only the person who asked for it has seen.
import { createHash, randomInt } from 'node:crypto';
import { translator } from '../i18n/index.js';
import { idOn } from '../domain/participant.js';
import type { Turn } from './context.js';
import { identityOf } from './identity.js';

export const LINK_CODE_MINUTES = 15;
// No 0/O, 1/I/L: the code is read off one screen and typed on another. 31^8 ≈ 8.5e11 codes, so
// guessing a live one within its 15 minutes, at the platforms' rate limits, is out of reach.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const LENGTH = 8;

export function newLinkCode(): string {
  return Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** Spaces, dashes and case do not matter when the code is typed back. */
export function normaliseLinkCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '');
}

export const hashLinkCode = (code: string): string =>
  createHash('sha256').update(normaliseLinkCode(code)).digest('hex');

export async function linkCommand(turn: Turn, args: string): Promise<'linked' | undefined> {
  const { services, event } = turn;
  const people = services.repos.participants;
  const typed = normaliseLinkCode(args);
  if (!typed) {
    if (!turn.participant) {
      turn.say('account.link_unknown');
      return undefined;
    }
    const code = newLinkCode();
    const expiresAt = new Date(services.now().getTime() + LINK_CODE_MINUTES * 60_000);
    await people.setLinkCode(turn.participant.id, { hash: hashLinkCode(code), expiresAt });
    turn.say('account.link_code', { code, minutes: LINK_CODE_MINUTES });
    return undefined;
  }
  const owner = await people.findByLinkCode(hashLinkCode(typed));
  if (!owner?.linkCode || owner.linkCode.expiresAt <= services.now() || owner.anonymisedAt) {
    turn.say('account.link_bad_code');
    return undefined;
  }
  if (turn.participant?.id === owner.id) {
    turn.say('account.link_same');
    return undefined;
  }
  // Two people are never merged: this address already belongs to someone, or they are already here.
  if (turn.participant || idOn(owner, event.channel) !== undefined) {
    turn.say('account.link_taken');
    return undefined;
  }
  const { address, phone } = identityOf(event);
  const linked = await people.linkAddress(owner.id, address);
  if (!linked?.ok) {
    turn.say('account.link_taken');
    return undefined;
  }
  // A phone the person already has stays; one this channel tells (WhatsApp) is added when they had none.
  if (phone && !owner.phone) await people.updateProfile(owner.id, { phone });
  await people.setLinkCode(owner.id, null);
  await services.repos.audit.record({
    at: services.now(),
    actor: owner.id,
    action: 'account.linked',
    subjectType: 'participant',
    subjectId: owner.id,
    details: { channel: event.channel },
  });
  turn.participant = linked.value;
  turn.session.participantId = owner.id;
  turn.session.locale = owner.locale;
  turn.t = translator(owner.locale);
  turn.say('account.linked', { channel: services.settings.channelTitles?.[event.channel] ?? event.channel });
  return 'linked';
}

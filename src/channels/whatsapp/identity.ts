// How WhatsApp addresses a person: "77011234567@c.us", an id that carries the phone number. So a
// person imported by phone is reachable here before they ever write, and is recognised when they do.
import { idOn, type Participant } from '../../domain/participant.js';
import { toE164 } from '../../domain/phone.js';
import { personIdOfPhone } from './port.js';

/** The phone number a WhatsApp id carries ("77011234567@c.us"), in E.164. */
export function phoneOfWhatsappId(id: string): string | undefined {
  const digits = /^(\d{6,20})@c\.us$/.exec(id)?.[1];
  return digits ? toE164(`+${digits}`) : undefined;
}

/** The person's WhatsApp id: the address they wrote from, or the one their phone number gives. */
export function whatsappIdOf(p: Participant): string | undefined {
  return idOn(p, 'whatsapp') ?? (p.phone ? personIdOfPhone(p.phone) : undefined);
}

// What curators' and staff's flows (broadcast, figures, the report) need from outside the engine:
// sending a broadcast, and monitoring's figures and reports. The composition root provides it
// (src/delivery/staff-tools.ts), so the flows work alike on every channel.
import type { Locale } from '../domain/locale.js';
import type { OutboundFile } from './events.js';

export interface BroadcastRequest {
  cohortId: string;
  authorId: string;
  text: string;
  link?: string;
  toGroups: boolean;
  toParticipants: boolean;
}

/** Someone who is not a curator of an active cohort (nor staff) asked. */
export type StaffRefusal = { ok: false; reason: 'forbidden' };

export interface StaffTools {
  /** The message exactly as recipients will read it. */
  broadcastBody(text: string, link?: string): string;
  /**
   * Records the broadcast and sends it in the background: the author is told how it goes while it
   * goes, and gets the delivery report at the end, on whatever channel reaches them.
   */
  startBroadcast(request: BroadcastRequest): Promise<void>;
  /** /stats: the figures as text, and charts where the channel shows pictures. */
  figures(
    participantId: string,
    locale: Locale,
  ): Promise<{ ok: true; text: string; charts: OutboundFile[] } | StaffRefusal>;
  /** /report: the current half-year report of each cohort the person curates (all active ones for staff). */
  reports(participantId: string, locale: Locale): Promise<{ ok: true; files: OutboundFile[] } | StaffRefusal>;
  /**
   * /export [xlsx|csv|json]: the answers of the person's cohorts (every cohort for staff) as one file,
   * personal data only where they may see it. `text`: what to say instead (CSV needs one questionnaire).
   */
  exportFile(
    participantId: string,
    locale: Locale,
    format: string,
  ): Promise<{ ok: true; file: OutboundFile } | StaffRefusal | { ok: false; reason: 'explain'; text: string }>;
}

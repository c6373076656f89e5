import type { Channel } from './channel.js';

/** `sending`: handed to the channel, outcome not yet recorded (a crash there leaves it so). */
export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'failed', 'blocked'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery {
  channel: Channel;
  chatId: string;
  /** Absent for a cohort group. */
  participantId?: string;
  status: DeliveryStatus;
  reason?: string;
  at?: Date;
}

export const BROADCAST_STATUSES = ['draft', 'sending', 'done'] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

/** A curator's message to a cohort, with the outcome for every recipient. */
export interface Broadcast {
  id: string;
  cohortId: string;
  authorId: string;
  text: string;
  link?: string;
  toGroups: boolean;
  toParticipants: boolean;
  status: BroadcastStatus;
  deliveries: Delivery[];
  sentAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

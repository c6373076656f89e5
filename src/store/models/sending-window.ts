import { Schema } from 'mongoose';
import { CLOCK_TIME, type SendingWindow } from '../../domain/sending-window.js';

export interface SendingWindowDoc {
  from: string;
  to: string;
  weekdays: number[];
}

export const sendingWindowSchema = new Schema<SendingWindowDoc>(
  {
    from: { type: String, required: true, match: CLOCK_TIME },
    to: { type: String, required: true, match: CLOCK_TIME },
    weekdays: { type: [{ type: Number, min: 1, max: 7 }], required: true },
  },
  { _id: false },
);

export function toSendingWindow(doc: SendingWindowDoc): SendingWindow {
  return { from: doc.from, to: doc.to, weekdays: [...doc.weekdays] };
}

// Large reads (a 5,000-teacher cohort's enrolments, answers and send log) converted a batch at a
// time, with the event loop given a turn between batches: reading one big cohort must not keep
// the bot from answering anyone else for a noticeable moment.
import type { Model } from 'mongoose';
import type { InProcessReader } from '../index.js';
/** A driver cursor's batch. */
export const BATCH = 500;
/** Records converted between two event-loop turns (several reads run at once: see YIELD_EVERY in ../index.ts). */
const PER_TURN = 200;

/** A lean mongoose query (or anything with a cursor of plain documents). */
interface Cursorable {
  cursor(options?: { batchSize?: number }): AsyncIterable<unknown>;
}

export async function readCooperatively<D, T>(
  query: Cursorable | AsyncIterable<unknown>,
  convert: (doc: D) => T,
): Promise<T[]> {
  const out: T[] = [];
  const docs = 'cursor' in query ? query.cursor({ batchSize: BATCH }) : query;
  await eachCooperatively(docs, (doc: D) => {
    out.push(convert(doc));
  });
  return out;
}

/** Each document handed to `handle`, with a turn of the event loop every PER_TURN: for a reader that keeps each document's facts its own way (no array, no object per record). */
export async function eachCooperatively<D>(docs: AsyncIterable<unknown>, handle: (doc: D) => void): Promise<void> {
  let n = 0;
  for await (const doc of docs) {
    handle(doc as D);
    if (++n % PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * A projected read of many small records (what planning needs of a cohort's send log, answers,
 * enrolments and people): straight from the embedded store when this process serves it, with no
 * BSON round trip; otherwise the driver's own cursor, without mongoose's work per document.
 * Reading tens of thousands of whole documents through mongoose allocated ~600 MB for one
 * 5,000-teacher cohort, and the process's memory grew with it.
 */
export function projected<D>(
  // biome-ignore lint/suspicious/noExplicitAny: any model; only its collection is used.
  model: Model<any>,
  reader: InProcessReader | undefined,
  filter: Record<string, unknown>,
  projection: Record<string, 0 | 1>,
): AsyncIterable<D> {
  if (reader) return reader.find(model.collection.collectionName, filter, { projection }) as AsyncIterable<D>;
  return model.collection.find(filter, { projection, batchSize: BATCH }) as unknown as AsyncIterable<D>;
}

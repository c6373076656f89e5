// Large reads (a 5,000-teacher cohort's enrolments, answers and send log) converted a batch at a
// time, with the event loop given a turn between batches: reading one big cohort must not keep
// the bot from answering anyone else for a noticeable moment.
const BATCH = 500;

/** A lean mongoose query (or anything with a cursor of plain documents). */
interface Cursorable {
  cursor(options?: { batchSize?: number }): AsyncIterable<unknown>;
}

export async function readCooperatively<D, T>(query: Cursorable, convert: (doc: D) => T): Promise<T[]> {
  const out: T[] = [];
  let n = 0;
  for await (const doc of query.cursor({ batchSize: BATCH })) {
    out.push(convert(doc as D));
    if (++n % BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}

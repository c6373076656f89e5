// Where RemoteAuth keeps the WhatsApp Web session when the bot runs on MongoDB: a zip of the
// browser profile in GridFS, so a new container logs in without a QR scan.
//
// Not the `wwebjs-mongo` package: its save() reads "<session>.zip" from the process's working
// directory, while whatsapp-web.js 1.34's RemoteAuth writes the zip into its dataPath, so every
// backup would fail; it also needs the global mongoose instance. This store takes the database and
// the same dataPath RemoteAuth is given.
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { GridFSBucket, type Db } from 'mongodb';

/** The interface RemoteAuth calls (whatsapp-web.js `Store`). */
export interface RemoteSessionStore {
  sessionExists(options: { session: string }): Promise<boolean>;
  save(options: { session: string }): Promise<void>;
  extract(options: { session: string; path: string }): Promise<void>;
  delete(options: { session: string }): Promise<void>;
}

export function createGridFsSessionStore(db: Db, dataPath: string): RemoteSessionStore {
  const bucketName = (session: string) => `whatsapp-${session}`;
  const bucket = (session: string) => new GridFSBucket(db, { bucketName: bucketName(session) });
  const fileName = (session: string) => `${session}.zip`;

  return {
    async sessionExists({ session }) {
      return (await db.collection(`${bucketName(session)}.files`).countDocuments({ filename: fileName(session) })) > 0;
    },
    async save({ session }) {
      const b = bucket(session);
      const upload = b.openUploadStream(fileName(session));
      await pipeline(createReadStream(join(dataPath, fileName(session))), upload);
      // Older copies go only once the new one is complete: a crash mid-upload keeps the last good session.
      const older = await b.find({ filename: fileName(session), _id: { $ne: upload.id } }).toArray();
      for (const file of older) await b.delete(file._id);
    },
    async extract({ session, path }) {
      const [latest] = await bucket(session).find({ filename: fileName(session) }).sort({ uploadDate: -1 }).limit(1).toArray();
      if (!latest) throw new Error(`no stored WhatsApp session "${session}"`);
      await pipeline(bucket(session).openDownloadStream(latest._id), createWriteStream(path));
    },
    async delete({ session }) {
      const b = bucket(session);
      for (const file of await b.find({ filename: fileName(session) }).toArray()) await b.delete(file._id);
    },
  };
}

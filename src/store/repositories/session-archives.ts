// Login session archives in GridFS: one bucket per channel and session (WhatsApp Web's is
// `whatsapp-RemoteAuth-sputnik`), so a new container logs in without a QR scan.
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { GridFSBucket, type Db } from 'mongodb';
import type { SessionArchiveRepository } from '../../domain/channel-storage.js';

export function createSessionArchiveRepository(db: Db, channel: string): SessionArchiveRepository {
  const bucketName = (session: string) => `${channel}-${session}`;
  const bucket = (session: string) => new GridFSBucket(db, { bucketName: bucketName(session) });
  const fileName = (session: string) => `${session}.zip`;

  return {
    async exists(session) {
      return (await db.collection(`${bucketName(session)}.files`).countDocuments({ filename: fileName(session) })) > 0;
    },
    async save(session, fromFile) {
      const b = bucket(session);
      const upload = b.openUploadStream(fileName(session));
      await pipeline(createReadStream(fromFile), upload);
      // Older copies go only once the new one is complete: a crash mid-upload keeps the last good session.
      const older = await b.find({ filename: fileName(session), _id: { $ne: upload.id } }).toArray();
      for (const file of older) await b.delete(file._id);
    },
    async extract(session, toFile) {
      const [latest] = await bucket(session)
        .find({ filename: fileName(session) })
        .sort({ uploadDate: -1 })
        .limit(1)
        .toArray();
      if (!latest) throw new Error(`no stored session "${session}"`);
      await pipeline(bucket(session).openDownloadStream(latest._id), createWriteStream(toFile));
    },
    async delete(session) {
      const b = bucket(session);
      for (const file of await b.find({ filename: fileName(session) }).toArray()) await b.delete(file._id);
    },
  };
}

// Files waiting in a channel's outbox, in GridFS (bucket `<channel>-files`): the queue's documents
// keep only their ids, so a large export never weighs on the queue's scans.
import { GridFSBucket, ObjectId, type Db } from 'mongodb';
import type { ChannelFileRepository } from '../../domain/channel-storage.js';

const objectId = (id: string) => (ObjectId.isValid(id) && id.length === 24 ? new ObjectId(id) : undefined);

export function createChannelFileRepository(db: Db, channel: string): ChannelFileRepository {
  const bucket = new GridFSBucket(db, { bucketName: `${channel}-files` });
  return {
    async put(filename, data) {
      const upload = bucket.openUploadStream(filename);
      await new Promise<void>((resolve, reject) => {
        upload.once('finish', () => resolve());
        upload.once('error', reject);
        upload.end(Buffer.from(data));
      });
      return String(upload.id);
    },
    async get(fileId) {
      const id = objectId(fileId);
      if (!id || (await bucket.find({ _id: id }).limit(1).toArray()).length === 0) return undefined;
      const chunks: Buffer[] = [];
      for await (const chunk of bucket.openDownloadStream(id)) chunks.push(chunk as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    },
    async delete(fileId) {
      const id = objectId(fileId);
      if (id && (await bucket.find({ _id: id }).limit(1).toArray()).length > 0) await bucket.delete(id);
    },
  };
}

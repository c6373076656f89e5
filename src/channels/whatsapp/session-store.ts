// What RemoteAuth calls to keep the WhatsApp Web session when the bot runs on MongoDB, over the
// store's session archives (GridFS there), so a new container logs in without a QR scan.
//
// Not the `wwebjs-mongo` package: its save() reads "<session>.zip" from the process's working
// directory, while whatsapp-web.js 1.34's RemoteAuth writes the zip into its dataPath, so every
// backup would fail; it also needs the global mongoose instance. This store is given the same
// dataPath RemoteAuth is.
import { join } from 'node:path';
import type { SessionArchiveRepository } from '../../domain/channel-storage.js';

/** The interface RemoteAuth calls (whatsapp-web.js `Store`). */
export interface RemoteSessionStore {
  sessionExists(options: { session: string }): Promise<boolean>;
  save(options: { session: string }): Promise<void>;
  extract(options: { session: string; path: string }): Promise<void>;
  delete(options: { session: string }): Promise<void>;
}

export function createRemoteSessionStore(archives: SessionArchiveRepository, dataPath: string): RemoteSessionStore {
  return {
    sessionExists: ({ session }) => archives.exists(session),
    save: ({ session }) => archives.save(session, join(dataPath, `${session}.zip`)),
    extract: ({ session, path }) => archives.extract(session, path),
    delete: ({ session }) => archives.delete(session),
  };
}

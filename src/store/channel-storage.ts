// The storage channels keep for themselves (domain/channel-storage.ts), on the store's database:
// outboxes and session archives there, requests as Agenda jobs in the same database, so the CLI's
// request reaches whichever bot runs the channel and is retried with Agenda's backoff.
import type { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import type {
  ChannelFileRepository,
  ChannelStorage,
  OutboxRepository,
  SessionArchiveRepository,
} from '../domain/channel-storage.js';
import { createChannelFileRepository } from './repositories/channel-files.js';
import { createOutboxRepository } from './repositories/outbox.js';
import { createSessionArchiveRepository } from './repositories/session-archives.js';

export { createOutboxRepository, outboxCollection } from './repositories/outbox.js';
export { createChannelFileRepository } from './repositories/channel-files.js';

export function createChannelStorage({ db, agenda }: { db: Db; agenda: Agenda }): ChannelStorage {
  const outboxes = new Map<string, OutboxRepository>();
  const archives = new Map<string, SessionArchiveRepository>();
  const files = new Map<string, ChannelFileRepository>();
  // One repository per channel, so the outbox's indexes are ensured once.
  const once = <T>(cache: Map<string, T>, channel: string, make: () => T): T => {
    const known = cache.get(channel);
    if (known) return known;
    const made = make();
    cache.set(channel, made);
    return made;
  };
  return {
    outbox: (channel) => once(outboxes, channel, () => createOutboxRepository(db, channel)),
    sessionArchives: (channel) => once(archives, channel, () => createSessionArchiveRepository(db, channel)),
    files: (channel) => once(files, channel, () => createChannelFileRepository(db, channel)),
    requests: {
      async submit(name, data) {
        const job = await agenda.now(name, data);
        return String(job.attrs._id);
      },
      handle(name, handler, { concurrency, retryDelayMs }) {
        agenda.define(name, (job) => handler(job.attrs.data as Parameters<typeof handler>[0]), {
          concurrency,
          backoff: ({ attempt }) => retryDelayMs(attempt),
        });
      },
    },
  };
}

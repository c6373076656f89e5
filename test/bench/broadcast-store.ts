// What recording one broadcast's deliveries costs the store: CPU per delivery and journal growth,
// for broadcasts of growing size. Flat per-delivery cost and a journal that grows with the
// deliveries (not their square) are the targets.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { createLogger } from '../../src/logger.js';
import { openStore } from '../../src/store/index.js';
import { JOURNAL_FILE } from '../../src/store/embedded/journal.js';

export interface BroadcastStoreFigures {
  recipients: number;
  msPerDelivery: number;
  /** CPU time of this process (the store runs in it) per delivery: the figure a busy machine does not inflate. */
  cpuMsPerDelivery: number;
  journalBeforeMb: number;
  journalAfterMb: number;
  /** The store rewrote the journal as a snapshot meanwhile (compaction while running): before → after is not what was written. */
  compacted: boolean;
}

export async function benchBroadcastStore(recipients: number): Promise<BroadcastStoreFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'sputnik-bench-broadcast-'));
  const store = await openStore({
    config: { mongodbUri: undefined, dbName: 'bench', embeddedDataDir: dir },
    logger: createLogger({ level: 'error' }),
  });
  try {
    const repos = store.repositories;
    const draft = await repos.broadcasts.create({
      cohortId: new Types.ObjectId().toHexString(),
      authorId: new Types.ObjectId().toHexString(),
      text: 'Уважаемые коллеги! Напоминаем о вебинаре в четверг.',
      toGroups: false,
      toParticipants: true,
    });
    const chats = Array.from({ length: recipients }, (_, i) => ({
      channel: 'telegram' as const,
      chatId: String(500_000 + i),
      participantId: new Types.ObjectId().toHexString(),
    }));
    await repos.broadcasts.startSending(draft.id, chats);
    const journal = join(dir, JOURNAL_FILE);
    const { size: before, ino } = statSync(journal);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    // What a broadcast does per recipient: claim the delivery, then record how it went.
    for (const c of chats) {
      await repos.broadcasts.claimDelivery(draft.id, c.channel, c.chatId, 'bench', new Date());
      await repos.broadcasts.recordDelivery(draft.id, c.channel, c.chatId, { status: 'sent', at: new Date() });
    }
    const cpu = process.cpuUsage(cpu0);
    const ms = performance.now() - t0;
    const { size: after, ino: inoAfter } = statSync(journal);
    const done = await repos.broadcasts.findById(draft.id);
    const sent = done?.deliveries.filter((d) => d.status === 'sent').length;
    if (sent !== recipients) throw new Error(`recorded ${sent} deliveries as sent, expected ${recipients}`);
    return {
      recipients,
      msPerDelivery: ms / recipients,
      cpuMsPerDelivery: (cpu.user + cpu.system) / 1000 / recipients,
      journalBeforeMb: before / 1024 / 1024,
      journalAfterMb: after / 1024 / 1024,
      compacted: inoAfter !== ino,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const n of [200, 1000, 4000]) console.log(await benchBroadcastStore(n));
}

// The web chat's "platform": what the bot has written to each browser chat, kept in memory until
// the page fetches it (long polling). A browser that is away when a message is written reads it
// when it comes back, as long as the process runs; the sandbox needs nothing more durable.
import type { WebMessage } from './render.js';

/** Messages kept per chat: a sandbox dialog is short; older ones are dropped first. */
const KEEP_PER_CHAT = 200;
/** Chats kept at once: the least recently used is forgotten first. */
const MAX_CHATS = 2_000;

interface Box {
  messages: WebMessage[];
  next: number;
  waiters: Set<() => void>;
}

export class Mailboxes {
  private readonly boxes = new Map<string, Box>();

  private box(chatId: string): Box {
    let box = this.boxes.get(chatId);
    if (box) {
      // Map order is insertion order: re-inserting marks the chat as recently used.
      this.boxes.delete(chatId);
    } else {
      box = { messages: [], next: 1, waiters: new Set() };
      const oldest = this.boxes.keys().next();
      if (this.boxes.size >= MAX_CHATS && !oldest.done) this.boxes.delete(oldest.value);
    }
    this.boxes.set(chatId, box);
    return box;
  }

  /** Stores a message for the chat and wakes whoever is waiting on it; returns its number. */
  post(chatId: string, message: Omit<WebMessage, 'seq'>): number {
    const box = this.box(chatId);
    const seq = box.next++;
    box.messages.push({ ...message, seq });
    if (box.messages.length > KEEP_PER_CHAT) box.messages.splice(0, box.messages.length - KEEP_PER_CHAT);
    for (const wake of box.waiters) wake();
    box.waiters.clear();
    return seq;
  }

  /** Messages numbered after `after`; waits up to `waitMs` for one when there are none yet. */
  async since(chatId: string, after: number, waitMs: number, signal?: AbortSignal): Promise<WebMessage[]> {
    const box = this.box(chatId);
    const ready = () => box.messages.filter((m) => m.seq > after);
    if (ready().length > 0 || waitMs <= 0) return ready();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        box.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      box.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
    return ready();
  }

  /** Wakes every waiting request (shutdown): each answers with what it has. */
  wakeAll(): void {
    for (const box of this.boxes.values()) {
      for (const wake of box.waiters) wake();
      box.waiters.clear();
    }
  }
}

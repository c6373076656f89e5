// What the adapter remembers between two updates of one chat (updates of a chat are handled in
// order). Held in memory: after a restart the keyboards themselves still carry the state.
import type { Rows } from './keyboard.js';

const LIMIT = 10_000;

/** A Map that forgets its oldest entries past a size: chats come and go. */
class Bounded<V> extends Map<string, V> {
  override set(key: string, value: V): this {
    this.delete(key);
    super.set(key, value);
    if (this.size > LIMIT) this.delete(this.keys().next().value as string);
    return this;
  }
}

export class KeyboardState {
  /** The keyboard as the bot last drew it, per message: two quick taps must not undo each other. */
  private readonly drawn = new Bounded<Rows>();
  /** The last question with buttons in each chat: a typed answer makes them stale. */
  private readonly lastPrompt = new Bounded<string>();

  current(chatId: string, messageId: string, fromUpdate: Rows | undefined): Rows | undefined {
    return this.drawn.get(`${chatId}:${messageId}`) ?? fromUpdate;
  }

  redrawn(chatId: string, messageId: string, rows: Rows): void {
    this.drawn.set(`${chatId}:${messageId}`, rows);
  }

  answered(chatId: string, messageId: string): void {
    this.drawn.delete(`${chatId}:${messageId}`);
    if (this.lastPrompt.get(chatId) === messageId) this.lastPrompt.delete(chatId);
  }

  prompted(chatId: string, messageId: string): void {
    this.lastPrompt.set(chatId, messageId);
  }

  /** The question whose buttons a typed answer leaves behind, forgotten once returned. */
  takeLastPrompt(chatId: string): string | undefined {
    const id = this.lastPrompt.get(chatId);
    this.lastPrompt.delete(chatId);
    return id;
  }
}

// What a channel adapter with inline keyboards (Telegram, Max) remembers between two updates of one
// chat (updates of a chat are handled in order). Held in memory: after a restart the keyboards
// themselves still carry the state.

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

/** `Markup` is the channel's keyboard, `MessageId` its message id type. */
export class KeyboardState<Markup, MessageId extends string | number> {
  /** The keyboard as the bot last drew it, per message: two quick taps must not undo each other. */
  private readonly drawn = new Bounded<Markup>();
  /** The last question with buttons in each chat: a typed answer makes them stale. */
  private readonly lastPrompt = new Bounded<MessageId>();

  current(chatId: string, messageId: MessageId, fromUpdate: Markup | undefined): Markup | undefined {
    return this.drawn.get(`${chatId}:${messageId}`) ?? fromUpdate;
  }

  redrawn(chatId: string, messageId: MessageId, markup: Markup): void {
    this.drawn.set(`${chatId}:${messageId}`, markup);
  }

  answered(chatId: string, messageId: MessageId): void {
    this.drawn.delete(`${chatId}:${messageId}`);
    if (this.lastPrompt.get(chatId) === messageId) this.lastPrompt.delete(chatId);
  }

  prompted(chatId: string, messageId: MessageId): void {
    this.lastPrompt.set(chatId, messageId);
  }

  /** The question whose buttons a typed answer leaves behind, forgotten once returned. */
  takeLastPrompt(chatId: string): MessageId | undefined {
    const id = this.lastPrompt.get(chatId);
    this.lastPrompt.delete(chatId);
    return id;
  }
}

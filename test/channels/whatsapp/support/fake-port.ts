// An in-memory WhatsApp Web: records what the bot sends and does, lets a test play the people on
// the other side (messages, joins), and fails the way whatsapp-web.js does (error strings from
// createGroup, 403 for members whose privacy settings refuse being added).
import type {
  CreatedGroup,
  MemberResult,
  PortEvents,
  PortFile,
  PortGroupJoin,
  PortMessage,
  PortSentMessage,
  SendResult,
  WhatsappPort,
} from '../../../../src/channels/whatsapp/port.js';

export interface SentText {
  chatId: string;
  text: string;
  /** Manual-clock time of the send, in ms. */
  at: number;
}

export interface FakeGroup {
  id: string;
  title: string;
  members: Set<string>;
  admins: Set<string>;
  description?: string;
  inviteCode: string;
}

type Listeners = { [E in keyof PortEvents]: PortEvents[E][] };

export class FakeWhatsapp implements WhatsappPort {
  readonly sent: SentText[] = [];
  readonly groups = new Map<string, FakeGroup>();
  readonly calls: string[] = [];
  /** Members whose privacy settings refuse being added (WhatsApp answers 403). */
  readonly privateMembers = new Set<string>();
  /** Ids that are not WhatsApp accounts (404 when added, a permanent error when written to). */
  readonly unknownIds = new Set<string>();
  /** Set: createGroup answers with this string, as whatsapp-web.js does on failure. */
  createGroupError: string | undefined;
  /** How many coming initialize() calls reject. */
  failInitialize = 0;
  /** What a failing initialize() throws (by default: offline). */
  initializeError = 'net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/';
  /** Sends that fail with a retryable error before one goes through. */
  failSends = 0;
  /** Set: every send fails with this (retryable) detail, as after a WhatsApp Web update. */
  failAllWith: string | undefined;
  /** Set: each failing send gets its own detail (`failSends` still counts them). */
  varyFailures = false;
  /**
   * Set: the next send never answers, as when the process dies in the middle of it; `after` the
   * message reached WhatsApp (it shows in the chat), `before` it did not.
   */
  hangNextSend: 'after' | 'before' | undefined;
  /** Set: recentSent() fails with this, as for a chat WhatsApp Web cannot open. */
  recentSentError: string | undefined;
  initialized = 0;
  destroyed = 0;
  private readonly listeners: Listeners = {
    qr: [],
    authenticated: [],
    auth_failure: [],
    ready: [],
    disconnected: [],
    message: [],
    group_join: [],
  };
  private sequence = 0;
  private connected = false;

  constructor(
    readonly own = '77015550000@c.us',
    private readonly clock: () => number = () => Date.now(),
  ) {}

  on<E extends keyof PortEvents>(event: E, listener: PortEvents[E]): void {
    this.listeners[event].push(listener);
  }

  private async emit<E extends keyof PortEvents>(event: E, ...args: Parameters<PortEvents[E]>): Promise<void> {
    for (const listener of this.listeners[event])
      await (listener as (...a: Parameters<PortEvents[E]>) => unknown)(...args);
  }

  async initialize(): Promise<void> {
    this.initialized += 1;
    this.calls.push('initialize');
    if (this.failInitialize > 0) {
      this.failInitialize -= 1;
      throw new Error(this.initializeError);
    }
  }

  async destroy(): Promise<void> {
    this.destroyed += 1;
    this.connected = false;
    this.calls.push('destroy');
  }

  ownId(): string | undefined {
    return this.connected ? this.own : undefined;
  }

  // --- the bot's side ---------------------------------------------------------------------------

  async sendMessage(chatId: string, text: string): Promise<SendResult> {
    if (!this.connected) return { ok: false, permanent: false, detail: 'Session closed' };
    if (this.unknownIds.has(chatId))
      return { ok: false, permanent: true, detail: 'Evaluation failed: Error: wid error: invalid wid' };
    if (this.failAllWith !== undefined) return { ok: false, permanent: false, detail: this.failAllWith };
    if (this.failSends > 0) {
      this.failSends -= 1;
      return {
        ok: false,
        permanent: false,
        detail: this.varyFailures
          ? `Protocol error: Target closed (#${this.failSends})`
          : 'Protocol error: Target closed',
      };
    }
    const hang = this.hangNextSend;
    this.hangNextSend = undefined;
    if (hang === 'before') return new Promise<never>(() => {});
    this.sent.push({ chatId, text, at: this.clock() });
    if (hang === 'after') return new Promise<never>(() => {});
    return { ok: true, id: `true_${chatId}_OUT${++this.sequence}` };
  }

  /** Files sent, with their caption (which also shows in `sent`, as WhatsApp shows it in the chat). */
  readonly files: (PortFile & { chatId: string; caption: string })[] = [];

  async sendFile(chatId: string, file: PortFile, caption: string): Promise<SendResult> {
    const result = await this.sendMessage(chatId, caption);
    if (result.ok) this.files.push({ ...file, chatId, caption });
    return result;
  }

  async recentSent(chatId: string, limit: number): Promise<PortSentMessage[]> {
    this.calls.push(`recentSent ${chatId}`);
    if (this.recentSentError !== undefined) throw new Error(this.recentSentError);
    return this.sent
      .map((s, n) => ({ ...s, n }))
      .filter((s) => s.chatId === chatId)
      .slice(-limit)
      .map((s) => ({ id: `true_${chatId}_SENT${s.n}`, body: s.text, timestamp: Math.floor(s.at / 1000) }));
  }

  private add(group: FakeGroup, ids: string[]): Record<string, MemberResult> {
    const results: Record<string, MemberResult> = {};
    for (const id of ids) {
      if (group.members.has(id)) results[id] = { code: 409 };
      else if (this.unknownIds.has(id)) results[id] = { code: 404 };
      else if (this.privateMembers.has(id)) results[id] = { code: 403 };
      else {
        group.members.add(id);
        results[id] = { code: 200 };
      }
    }
    return results;
  }

  async createGroup(title: string, memberIds: string[]): Promise<CreatedGroup | string> {
    this.calls.push(`createGroup ${title} [${memberIds.join(', ')}]`);
    if (this.createGroupError) return this.createGroupError;
    const id = `1203630${String(++this.sequence).padStart(5, '0')}@g.us`;
    const group: FakeGroup = {
      id,
      title,
      members: new Set([this.own]),
      admins: new Set([this.own]),
      inviteCode: `Inv${this.sequence}Code`,
    };
    this.groups.set(id, group);
    return { gid: id, members: this.add(group, memberIds) };
  }

  private group(id: string): FakeGroup {
    const group = this.groups.get(id);
    if (!group) throw new Error(`no group ${id}`);
    return group;
  }

  async getInviteCode(groupId: string): Promise<string> {
    this.calls.push(`getInviteCode ${groupId}`);
    return this.group(groupId).inviteCode;
  }

  async addParticipants(groupId: string, memberIds: string[]): Promise<Record<string, MemberResult> | string> {
    this.calls.push(`addParticipants ${groupId} [${memberIds.join(', ')}]`);
    const group = this.groups.get(groupId);
    if (!group) return 'AddParticipantsError: The group does not exist';
    return this.add(group, memberIds);
  }

  async setDescription(groupId: string, description: string): Promise<boolean> {
    this.calls.push(`setDescription ${groupId}`);
    this.group(groupId).description = description;
    return true;
  }

  async promoteParticipants(groupId: string, memberIds: string[]): Promise<boolean> {
    this.calls.push(`promoteParticipants ${groupId} [${memberIds.join(', ')}]`);
    for (const id of memberIds) this.group(groupId).admins.add(id);
    return true;
  }

  // --- WhatsApp's side --------------------------------------------------------------------------

  async showQr(code = 'QR-1@ref,key,adv'): Promise<void> {
    await this.emit('qr', code);
  }

  async becomeReady(): Promise<void> {
    this.connected = true;
    await this.emit('authenticated');
    await this.emit('ready');
  }

  async disconnect(reason = 'NAVIGATION'): Promise<void> {
    this.connected = false;
    await this.emit('disconnected', reason);
  }

  /** A person writes to the bot (privately, or in a group when `groupId` is given). */
  async receive(
    from: string,
    body: string,
    options: { groupId?: string; type?: string; groupTitle?: string } = {},
  ): Promise<PortMessage> {
    const message: PortMessage = {
      id: `false_${options.groupId ?? from}_IN${++this.sequence}`,
      chatId: options.groupId ?? from,
      authorId: from,
      body,
      type: options.type ?? 'chat',
      timestamp: Math.floor(this.clock() / 1000),
      ...(options.groupTitle ? { groupTitle: options.groupTitle } : {}),
    };
    await this.emit('message', message);
    return message;
  }

  /** Someone joins a group (by the invite link, or added by an admin). */
  async join(groupId: string, memberIds: string[]): Promise<void> {
    const event: PortGroupJoin = {
      id: `false_${groupId}_JOIN${++this.sequence}`,
      groupId,
      memberIds,
      timestamp: Math.floor(this.clock() / 1000),
    };
    for (const id of memberIds) this.groups.get(groupId)?.members.add(id);
    await this.emit('group_join', event);
  }

  textsTo(chatId: string): string[] {
    return this.sent.filter((s) => s.chatId === chatId).map((s) => s.text);
  }
}

// The narrow port between Sputnik and a WhatsApp Web client: plain strings and plain objects, so
// that the adapter never sees whatsapp-web.js and the tests can drive an in-memory fake of it.
// Ids are WhatsApp's: "77011234567@c.us" for a person, "1203630...@g.us" for a group.

/** A message someone sent to the bot's account (never one the bot sent itself). */
export interface PortMessage {
  /** WhatsApp's own id of the message, unique across chats. */
  id: string;
  /** Where it was written: the person's id in a private chat, the group's id in a group. */
  chatId: string;
  /** Who wrote it: the same as `chatId` in a private chat. Always a "@c.us" id. */
  authorId: string;
  /** The text, or a media caption ("" when there is none). */
  body: string;
  /** whatsapp-web.js message type: "chat" is text; "image", "ptt", "sticker"... are not answers. */
  type: string;
  /** Seconds since the epoch, as WhatsApp reports it. */
  timestamp: number;
  /** The group's name, for a group message when the client knows it. */
  groupTitle?: string;
}

/** People joined a group the bot's account is in (added by an admin or by an invite link). */
export interface PortGroupJoin {
  /** Unique id of the notification. */
  id: string;
  groupId: string;
  /** The newcomers, "@c.us" ids. */
  memberIds: string[];
  timestamp: number;
}

export interface PortEvents {
  /** A login QR code to show: the string WhatsApp encodes in it. Repeats every ~20 s until scanned. */
  qr: (qr: string) => void;
  authenticated: () => void;
  /** The stored session was refused; a new QR scan is needed. */
  auth_failure: (message: string) => void;
  ready: () => void;
  /** The client lost WhatsApp Web ("LOGOUT", "CONFLICT", "NAVIGATION"...). */
  disconnected: (reason: string) => void;
  message: (message: PortMessage) => void | Promise<void>;
  group_join: (join: PortGroupJoin) => void | Promise<void>;
}

export type SendResult =
  | { ok: true; id: string }
  /** `permanent`: the id is not a WhatsApp account or chat; sending again will not help. */
  | { ok: false; permanent: boolean; detail: string };

export interface PortFile {
  filename: string;
  mimetype: string;
  data: Uint8Array;
  /** Shown in the chat as a picture (a chart); otherwise sent as a document to download. */
  picture: boolean;
}

/** A message the bot's account sent, as WhatsApp Web still shows it in the chat. */
export interface PortSentMessage {
  id: string;
  body: string;
  /** Seconds since the epoch, as WhatsApp reports it. */
  timestamp: number;
}

/** One member's outcome when adding people to a group (WhatsApp's own codes). */
export interface MemberResult {
  /** 200 added; 403 only by private invitation (privacy settings); 404 not on WhatsApp; 409 already in. */
  code: number;
  message?: string;
}

export interface CreatedGroup {
  /** The new group's id, "...@g.us". */
  gid: string;
  /** Keyed by the member's "@c.us" id. */
  members: Record<string, MemberResult>;
}

export interface WhatsappPort {
  on<E extends keyof PortEvents>(event: E, listener: PortEvents[E]): void;
  /**
   * Opens WhatsApp Web. Resolves once the page is loaded (then `qr` or `ready` follows); rejects
   * when the browser or the network fails. May be called again after `destroy()` to reconnect.
   */
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  /** The bot account's own id once `ready` has fired ("77015550000@c.us"). */
  ownId(): string | undefined;
  sendMessage(chatId: string, text: string): Promise<SendResult>;
  /** A file (an export, a report) as a document, or a picture, with the caption as its text. */
  sendFile(chatId: string, file: PortFile, caption: string): Promise<SendResult>;
  /**
   * The latest messages the account itself sent to this chat, newest last (at most `limit`): how a
   * send the process died in the middle of is confirmed after a restart instead of sent again.
   */
  recentSent(chatId: string, limit: number): Promise<PortSentMessage[]>;
  /**
   * Creates a group with these members. Like whatsapp-web.js, a failure comes back as an error
   * STRING rather than a rejection: callers must check the type.
   */
  createGroup(title: string, memberIds: string[]): Promise<CreatedGroup | string>;
  /** The group's invite code (the part after https://chat.whatsapp.com/); needs admin rights. */
  getInviteCode(groupId: string): Promise<string>;
  /** Like createGroup, an error string instead of a rejection for group-level failures. */
  addParticipants(groupId: string, memberIds: string[]): Promise<Record<string, MemberResult> | string>;
  setDescription(groupId: string, description: string): Promise<boolean>;
  promoteParticipants(groupId: string, memberIds: string[]): Promise<boolean>;
}

export const INVITE_LINK_PREFIX = 'https://chat.whatsapp.com/';

export function isGroupId(id: string): boolean {
  return id.endsWith('@g.us');
}

export function isPersonId(id: string): boolean {
  return /^\d{6,20}@c\.us$/.test(id);
}

/** "+7 701 123-45-67" or "+77011234567" -> "77011234567@c.us". */
export function personIdOfPhone(phone: string): string | undefined {
  const digits = phone.replace(/\D/g, '');
  return digits.length >= 6 && digits.length <= 20 ? `${digits}@c.us` : undefined;
}

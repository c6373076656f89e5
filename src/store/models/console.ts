import { Schema, type Connection, type Model } from 'mongoose';
import {
  CONSOLE_ACCOUNT_ROLES,
  type ConsoleAccount,
  type ConsoleAccountRole,
  type ConsolePrincipal,
  type ConsoleSession,
  type LoginLink,
} from '../../domain/console.js';
import { LOCALES, type Locale } from '../../domain/locale.js';
import { idString, orUndefined, schemaOptions, text, type ObjectIdType } from './common.js';

export interface ConsoleAccountDoc {
  _id: ObjectIdType;
  login: string;
  displayName: string;
  role: ConsoleAccountRole;
  organisation?: string | null;
  locale?: Locale | null;
  passwordHash: string;
  disabledAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const accountSchema = new Schema<ConsoleAccountDoc>(
  {
    login: { type: String, required: true, lowercase: true, trim: true, maxlength: 64 },
    displayName: text(200, true),
    role: { type: String, enum: CONSOLE_ACCOUNT_ROLES, required: true },
    organisation: text(300),
    locale: { type: String, enum: LOCALES },
    passwordHash: { type: String, required: true, maxlength: 300 },
    disabledAt: Date,
  },
  schemaOptions('console_accounts'),
);
accountSchema.index({ login: 1 }, { unique: true });

export interface ConsoleSessionDoc {
  _id: ObjectIdType;
  tokenHash: string;
  principal: ConsolePrincipal;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

const sessionSchema = new Schema<ConsoleSessionDoc>(
  {
    tokenHash: { type: String, required: true },
    principal: { type: Schema.Types.Mixed, required: true },
    csrfToken: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'console_sessions', strict: true, strictQuery: 'throw', timestamps: false },
);
sessionSchema.index({ tokenHash: 1 }, { unique: true });
// Expired sessions and links go by themselves.
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export interface LoginLinkDoc {
  _id: ObjectIdType;
  tokenHash: string;
  participantId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date | null;
}

const loginLinkSchema = new Schema<LoginLinkDoc>(
  {
    tokenHash: { type: String, required: true },
    participantId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: Date,
  },
  { collection: 'console_login_links', strict: true, strictQuery: 'throw', timestamps: false },
);
loginLinkSchema.index({ tokenHash: 1 }, { unique: true });
loginLinkSchema.index({ participantId: 1 });
loginLinkSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function defineConsoleModels(connection: Connection) {
  return {
    consoleAccount: connection.model<ConsoleAccountDoc>('ConsoleAccount', accountSchema) as Model<ConsoleAccountDoc>,
    consoleSession: connection.model<ConsoleSessionDoc>('ConsoleSession', sessionSchema) as Model<ConsoleSessionDoc>,
    loginLink: connection.model<LoginLinkDoc>('LoginLink', loginLinkSchema) as Model<LoginLinkDoc>,
  };
}

export function toConsoleAccount(doc: ConsoleAccountDoc): ConsoleAccount {
  return {
    id: idString(doc._id),
    login: doc.login,
    displayName: doc.displayName,
    role: doc.role,
    organisation: orUndefined(doc.organisation),
    ...(doc.locale ? { locale: doc.locale } : {}),
    passwordHash: doc.passwordHash,
    ...(doc.disabledAt ? { disabledAt: doc.disabledAt } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export function toConsoleSession(doc: ConsoleSessionDoc): ConsoleSession {
  return {
    tokenHash: doc.tokenHash,
    principal: doc.principal,
    csrfToken: doc.csrfToken,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
  };
}

export function toLoginLink(doc: LoginLinkDoc): LoginLink {
  return {
    tokenHash: doc.tokenHash,
    participantId: doc.participantId,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    usedAt: orUndefined(doc.usedAt),
  };
}

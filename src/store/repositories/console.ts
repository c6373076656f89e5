import type { ConsoleRepository } from '../../domain/repositories.js';
import { err, ok } from '../../domain/result.js';
import type { Models } from '../models/index.js';
import { op } from './ids.js';
import { toConsoleAccount, toConsoleSession, toLoginLink, type ConsoleAccountDoc } from '../models/console.js';

const isDuplicateKey = (error: unknown) => (error as { code?: unknown } | null)?.code === 11000;

export function createConsoleRepository(
  models: Pick<Models, 'consoleAccount' | 'consoleSession' | 'loginLink'>,
): ConsoleRepository {
  const { consoleAccount: accounts, consoleSession: sessions, loginLink: links } = models;
  return {
    async createAccount(input) {
      try {
        const doc = await accounts.create({ ...input, login: input.login.toLowerCase() });
        return ok(toConsoleAccount(doc.toObject<ConsoleAccountDoc>()));
      } catch (error) {
        if (isDuplicateKey(error)) return err({ kind: 'login_taken' });
        throw error;
      }
    },
    async updateAccount(login, patch) {
      const doc = await accounts
        .findOneAndUpdate({ login: login.toLowerCase() }, { $set: patch }, { returnDocument: 'after' })
        .lean<ConsoleAccountDoc>();
      return doc ? toConsoleAccount(doc) : undefined;
    },
    async findAccountByLogin(login) {
      const doc = await accounts.findOne({ login: login.trim().toLowerCase() }).lean<ConsoleAccountDoc>();
      return doc ? toConsoleAccount(doc) : undefined;
    },
    async findAccountById(id) {
      if (!/^[0-9a-f]{24}$/.test(id)) return undefined;
      const doc = await accounts.findById(id).lean<ConsoleAccountDoc>();
      return doc ? toConsoleAccount(doc) : undefined;
    },
    async listAccounts() {
      const docs = await accounts.find({}).sort({ login: 1 }).lean<ConsoleAccountDoc[]>();
      return docs.map(toConsoleAccount);
    },
    async createSession(session) {
      await sessions.create(session);
    },
    async findSession(tokenHash, now) {
      const doc = await sessions.findOne({ tokenHash, expiresAt: op({ $gt: now }) }).lean();
      return doc ? toConsoleSession(doc) : undefined;
    },
    async deleteSession(tokenHash) {
      await sessions.deleteOne({ tokenHash });
    },
    async createLoginLink(link) {
      await links.create(link);
    },
    async consumeLoginLink(tokenHash, now) {
      // One atomic update: two tabs opening the same link cannot both log in.
      const doc = await links
        .findOneAndUpdate(
          { tokenHash, usedAt: null, expiresAt: op({ $gt: now }) },
          { $set: { usedAt: now } },
          { returnDocument: 'after' },
        )
        .lean();
      return doc ? toLoginLink(doc) : undefined;
    },
  };
}

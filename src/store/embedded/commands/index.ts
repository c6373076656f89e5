/**
 * Command dispatch: name lookup, the per-command field allow-list, and the checks that apply to
 * every command (transactions, admin-only commands, database names).
 */
import { CommandError } from '../errors.js';
import type { Doc } from '../values.js';
import { aggregateCommands } from './aggregate.js';
import {
  commandName,
  GENERIC_FIELDS,
  validateDbName,
  type CommandContext,
  type CommandResult,
  type CommandSpec,
} from './context.js';
import { ddlCommands } from './ddl.js';
import { handshakeCommands } from './handshake.js';
import { readCommands } from './read.js';
import { writeCommands } from './write.js';

const SPECS: CommandSpec[] = [
  ...handshakeCommands,
  ...readCommands,
  ...aggregateCommands,
  ...writeCommands,
  ...ddlCommands,
];

const BY_NAME = new Map<string, { spec: CommandSpec; allowed: Set<string> }>();
for (const spec of SPECS) {
  const allowed = new Set<string>([...GENERIC_FIELDS, ...spec.fields]);
  for (const name of spec.names) BY_NAME.set(name, { spec, allowed });
}

export const SUPPORTED_COMMANDS: readonly string[] = Object.freeze(
  [...BY_NAME.entries()]
    .filter(([, entry]) => !entry.spec.refuses)
    .map(([name]) => name)
    .sort((a, b) => a.localeCompare(b)),
);

/** Fields that only make sense inside a transaction, which a standalone server refuses. */
const TRANSACTION_FIELDS = ['txnNumber', 'startTransaction', 'autocommit', 'coordinator', 'stmtId', 'stmtIds'];

export interface DispatchInfo {
  name: string;
  write: boolean;
  /** The client asked for an fsync'd journal (writeConcern j:true). */
  durable: boolean;
}

export function describeCommand(cmd: Doc): DispatchInfo {
  const name = commandName(cmd);
  const entry = BY_NAME.get(name);
  const wc = cmd.writeConcern as { j?: unknown } | undefined;
  return { name, write: entry?.spec.write === true, durable: wc?.j === true };
}

export function runCommand(cmd: Doc, ctx: CommandContext): CommandResult {
  const name = commandName(cmd);
  const entry = BY_NAME.get(name);
  if (!entry) throw new CommandError('CommandNotFound', `no such command: '${name}'`);
  for (const field of TRANSACTION_FIELDS) {
    if (field in cmd) {
      throw new CommandError(
        'IllegalOperation',
        'Transaction numbers are only allowed on a replica set member or mongos (the embedded store is a standalone server without transactions)',
      );
    }
  }
  const { spec, allowed } = entry;
  if (!spec.anyFields) {
    for (const field of Object.keys(cmd)) {
      if (field !== name && !allowed.has(field)) {
        throw new CommandError('UnknownField', `BSON field '${name}.${field}' is an unknown field.`);
      }
    }
  }
  validateDbName(ctx.db);
  if (spec.adminOnly && ctx.db !== 'admin')
    throw new CommandError('Unauthorized', `${name} may only be run against the admin database.`);
  return spec.run(cmd, ctx);
}

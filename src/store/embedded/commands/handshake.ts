/**
 * Connection-level commands: the handshake, ping, buildInfo, endSessions and the authentication
 * commands (refused, since the embedded store has no users).
 */
import { CommandError } from '../errors.js';
import { MAX_BSON_SIZE } from '../catalog.js';
import { MAX_MESSAGE_SIZE } from '../wire.js';
import type { CommandSpec } from './context.js';

/** MongoDB 7.0. Without `setName` or `msg: 'isdbgrid'` the driver sees a standalone server. */
export const MAX_WIRE_VERSION = 21;
export const SERVER_VERSION = '7.0.0';

function helloReply(legacy: boolean, connectionId: number, helloOk: boolean): Record<string, unknown> {
  // No topologyVersion: it would switch the driver's monitor to awaitable (streaming) hello.
  return {
    ...(helloOk ? { helloOk: true } : {}),
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    maxBsonObjectSize: MAX_BSON_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

const hello: CommandSpec = {
  names: ['hello'],
  fields: [],
  anyFields: true,
  run: (_cmd, ctx) => helloReply(false, ctx.connectionId, true),
};

const isMaster: CommandSpec = {
  names: ['isMaster', 'ismaster'],
  fields: [],
  anyFields: true,
  run: (cmd, ctx) => helloReply(true, ctx.connectionId, cmd.helloOk === true),
};

const ping: CommandSpec = { names: ['ping'], fields: [], run: () => ({ ok: 1 }) };

const buildInfo: CommandSpec = {
  names: ['buildInfo', 'buildinfo'],
  fields: [],
  run: () => ({
    version: SERVER_VERSION,
    gitVersion: 'sputnik-embedded-store',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_SIZE,
    storageEngines: ['embedded-journal'],
    javascriptEngine: 'none',
    modules: [],
    ok: 1,
  }),
};

const endSessions: CommandSpec = { names: ['endSessions'], fields: [], run: () => ({ ok: 1 }) };

const auth: CommandSpec = {
  names: ['saslStart', 'saslContinue', 'authenticate'],
  fields: [],
  anyFields: true,
  refuses: true,
  run: () => {
    throw new CommandError(
      'AuthenticationFailed',
      'Authentication failed: the embedded store has no users; connect without credentials',
    );
  },
};

export const handshakeCommands: CommandSpec[] = [hello, isMaster, ping, buildInfo, endSessions, auth];

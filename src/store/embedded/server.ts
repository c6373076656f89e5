/**
 * TCP side: one framer per socket, each message executed synchronously to completion (which makes
 * every command atomic with respect to all other connections), journal flushed, then the reply.
 */
import net from 'node:net';
import { BSON } from 'bson';
import type { Catalog } from './catalog.js';
import { describeCommand, runCommand } from './commands/index.js';
import type { CommandContext, CommandResult } from './commands/context.js';
import { RawReply, type CursorManager } from './cursors.js';
import { CommandError, toCommandError } from './errors.js';
import type { EmbeddedStoreLogger } from './logger.js';
import type { Doc } from './values.js';
import { encodeOpMsg, encodeOpReply, MessageFramer, parseMessage, ProtocolError } from './wire.js';

const OP_QUERY_COMMANDS = new Set(['hello', 'isMaster', 'ismaster']);

export class WireServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private nextConnectionId = 1;

  constructor(
    private readonly catalog: Catalog,
    private readonly cursors: CursorManager,
    private readonly logger: EmbeddedStoreLogger,
  ) {
    this.server = net.createServer((socket) => this.onConnection(socket));
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
    });
  }

  private onConnection(socket: net.Socket): void {
    const connectionId = this.nextConnectionId++;
    const framer = new MessageFramer();
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', (err) => this.logger.debug({ connectionId, err: err.message }, 'embedded store: socket error'));
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const message of framer.push(chunk)) {
          const reply = this.handle(message, connectionId);
          if (reply && !socket.destroyed) socket.write(reply);
        }
      } catch (err) {
        // A framing error leaves the stream unparseable; MongoDB closes the connection too.
        const kind = err instanceof ProtocolError ? 'protocol error' : 'internal error';
        this.logger.warn(
          { connectionId, err: (err as Error).message },
          `embedded store: closing connection after ${kind}`,
        );
        socket.destroy();
      }
    });
  }

  /** Returns the encoded reply, or undefined for moreToCome messages (which get none). */
  private handle(message: Buffer, connectionId: number): Buffer | undefined {
    const request = parseMessage(message);
    if (request.kind === 'query') {
      const dot = request.collection.indexOf('.');
      const db = dot > 0 ? request.collection.slice(0, dot) : request.collection;
      const name = Object.keys(request.query)[0] ?? '';
      if (!request.collection.endsWith('.$cmd') || !OP_QUERY_COMMANDS.has(name)) {
        const err = new CommandError(
          'UnsupportedOpQueryCommand',
          `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal`,
        );
        return encodeOpReply(request.requestId, BSON.serialize(err.toReply()));
      }
      return encodeOpReply(request.requestId, this.execute(request.query, db, connectionId));
    }
    const db = typeof request.body.$db === 'string' ? request.body.$db : '';
    const bytes = db
      ? this.execute(request.body, db, connectionId)
      : BSON.serialize(new CommandError('FailedToParse', 'OP_MSG requests require a $db argument').toReply());
    return request.moreToCome ? undefined : encodeOpMsg(request.requestId, bytes);
  }

  private execute(cmd: Doc, db: string, connectionId: number): Uint8Array {
    const result = executeCommand(this.catalog, this.cursors, this.logger, cmd, db, connectionId);
    if (result instanceof RawReply) return result.bytes;
    try {
      return BSON.serialize(result);
    } catch (err) {
      return BSON.serialize(toCommandError(err).toReply());
    }
  }
}

/**
 * One command run to completion and its journal records written (a failed command's reply says
 * so): what the server does for each message, and what `EmbeddedStore.command` does in-process.
 * Synchronous, so atomic with respect to every other command, over the wire or not.
 */
export function executeCommand(
  catalog: Catalog,
  cursors: CursorManager,
  logger: EmbeddedStoreLogger,
  cmd: Doc,
  db: string,
  connectionId: number,
): CommandResult {
  const info = describeCommand(cmd);
  const ctx: CommandContext = { catalog, cursors, db, connectionId, logger };
  const started = performance.now();
  let result: CommandResult;
  try {
    result = runCommand(cmd, ctx);
  } catch (err) {
    const error = toCommandError(err);
    if (error.codeName === 'InternalError')
      logger.warn({ command: info.name, db, err: error.message }, 'embedded store: command failed');
    result = error.toReply();
  }
  // Flushed even after an error: an ordered insert stopped by a duplicate has changed memory.
  try {
    catalog.flush(info.durable);
  } catch (err) {
    result = toCommandError(err).toReply();
  }
  logger.debug(
    { command: info.name, db, ms: Math.round((performance.now() - started) * 1000) / 1000 },
    'embedded store: command',
  );
  return result;
}

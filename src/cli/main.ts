// `npm run cli -- [--lang ru|kk|en] <command>`: staff tools (src/cli/run.ts dispatches).
import { runCli } from './run.js';

/** `stats | head`: once the reader has gone, the rest of the output is dropped quietly. */
function quietOnBrokenPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

quietOnBrokenPipe(process.stdout);
quietOnBrokenPipe(process.stderr);
process.exitCode = await runCli(process.argv.slice(2));

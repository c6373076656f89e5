// `npm run cli -- sandbox delete`: removes the sandbox's demo cohort and programme, the people who
// were only ever in them, and everything they did. The next start in sandbox mode seeds a fresh one.
import { loadConfig } from '../../config.js';
import { t } from '../../i18n/index.js';
import { parseActionCall } from '../args.js';
import { deleteDemo } from '../../sandbox/demo.js';
import { openCliStore, processOutput, type Output } from './cohort.js';

export async function runSandbox(args: string[], io: Output = processOutput): Promise<number> {
  const locale = io.locale ?? 'ru';
  const call = parseActionCall('sandbox', args, io, ['delete']);
  if (typeof call === 'number') return call;
  const store = await openCliStore(loadConfig(), io, { dryRun: false });
  if (!store) return 1;
  try {
    const d = await deleteDemo(store.models);
    io.out(`${t(locale, 'cli.sandbox_deleted', { ...d })}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

export const sandboxCommand = {
  run: (args: string[], io: Output) => runSandbox(args, io),
};

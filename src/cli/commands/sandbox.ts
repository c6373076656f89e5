// `npm run cli -- sandbox delete`: removes the sandbox's demo cohort and programme, the people who
// were only ever in them, and everything they did. The next start in sandbox mode seeds a fresh one.
import { loadConfig } from '../../config.js';
import { deleteDemo } from '../../sandbox/demo.js';
import { openCliStore, processOutput, type Output } from './cohort.js';

const USAGE = `Использование: npm run cli -- sandbox delete
  delete  удаляет демо-поток песочницы, его программу, участников, бывших только в нём,
          и всё, что они сделали (ответы, мероприятия, консультации). Реальные потоки не затрагиваются.
`;

export async function runSandbox(args: string[], io: Output = processOutput): Promise<number> {
  if (args[0] !== 'delete' || args.length > 1) {
    io.err(USAGE);
    return 2;
  }
  const store = await openCliStore(loadConfig(), io, { dryRun: false });
  if (!store) return 1;
  try {
    const d = await deleteDemo(store.models);
    io.out(`Удалено: демо-потоков ${d.cohorts}, участников ${d.participants}, ответов на анкеты ${d.responses}, мероприятий ${d.activities}.\n`);
    return 0;
  } finally {
    await store.close();
  }
}

export const sandboxCommand = {
  summary: 'delete the sandbox demo cohort and everything done in it',
  run: (args: string[]) => runSandbox(args),
};

// V8's flags, set at run time through `v8.setFlagsFromString`, which Node documents as
// unsupported: a flag V8 reads again at each collection takes effect, others may not. Each flag
// set here is verified on Node 20's V8 (11.3) by test/memory/; on another V8 nothing is set and
// V8 manages its heap as it decides, which costs memory, never correctness.
import { setFlagsFromString } from 'node:v8';

export const verifiedEngine = process.versions.v8.startsWith('11.');

/** Sets one V8 flag (`--name=value` or `--[no-]name`); false where the engine refused it. */
export function setV8Flag(flag: string): boolean {
  if (!verifiedEngine) return false;
  try {
    setFlagsFromString(flag);
    return true;
  } catch {
    return false;
  }
}

/** The value the process was started with for `--name=value` (in `execArgv`), if any. */
export function startedWith(name: string): string | undefined {
  // V8 reads `-` and `_` alike in a flag's name.
  const pattern = new RegExp(`^--${name.replaceAll('-', '[-_]')}(?:=(.*))?$`);
  for (const arg of process.execArgv) {
    const match = pattern.exec(arg);
    if (match) return match[1] ?? '';
  }
  return undefined;
}

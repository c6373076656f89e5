// Run by src/launch.mjs right after a successful build: checks flows/ and questionnaires/ as a
// start and the monitoring commands do, and keeps what passed in dist/content-cache, so the first
// start or command in any data directory finds it checked (src/engine/content-cache.ts). Content
// with a problem is not kept, and is reported where it always was: at start-up, before /healthz.
import { fileURLToPath } from 'node:url';
import { loadCachedQuestionnaires } from './engine/cached-questionnaires.js';
import { loadContent } from './engine/index.js';
import { buildId, builtContentCacheDir } from './version.js';

// The same root the start (src/app.ts) and the commands name: the cache's key includes it.
const root = fileURLToPath(new URL('../', import.meta.url));
const cache = { dir: builtContentCacheDir(), buildId: buildId() };
const content = loadContent(root, cache);
const questionnaires = loadCachedQuestionnaires(root, cache);
process.exitCode = content.errors.length === 0 && questionnaires.errors.length === 0 ? 0 : 1;

// The build's second step (src/launch.mjs runs it after tsc): dist/main.js and dist/cli/main.js
// with the modules they import, ours and the libraries', joined by esbuild into a few files in
// dist/bundle/ (main.js, cli.js and the chunks they share or load later). On this machine a
// process spent about a third of its start finding, reading and compiling ~1,200 separate files
// (mongoose, the MongoDB driver, zod, pino and ~400 of ours): `stats` ~0.35 s of CPU, the bot's
// start about as much. Plain JavaScript, like the launcher: it runs before anything is compiled.
//
// dist/ as tsc writes it stays complete and is what runs when there is no bundle (esbuild missing
// or failing: the launcher says so and goes on). Libraries loaded on first use, with import()
// (archiver, rate-limiter-flexible) or createRequire (yaml, libphonenumber-js, resvg), and
// whatsapp-web.js and playwright-core stay in node_modules, loaded by Node as before; mingo, which
// src/store/embedded/mingo.ts requires at load, is bundled (see OWN_REQUIRE).
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

/** What esbuild leaves to node_modules: native code, a browser driver, and what loads a browser. */
const EXTERNAL = ['@resvg/resvg-js', 'playwright-core', 'whatsapp-web.js'];

// ES modules have no `require`; the libraries' CommonJS code asks for Node's built-ins with it.
// Every output file is in dist/bundle/, so any one's URL is the folder's (see whereItCameFrom).
const BANNER =
  "import { createRequire as __sputnikCreateRequire } from 'node:module'; const require = __sputnikCreateRequire(import.meta.url), __sputnikBundleUrl = import.meta.url;";

const NON_ASCII = /[^\x00-\x7f]/;
const OWN_REQUIRE = /^const require = createRequire\(import\.meta\.url\);$/m;

/**
 * Code that finds files beside itself (our CONTENT_ROOT, the build stamp, the content cache; pino's
 * and thread-stream's worker files) must find them where they were, not beside the bundle: its
 * `import.meta.url`, `__dirname` and `__filename` are made to name the file it came from, as a
 * path from the bundle's folder, so dist/ and node_modules can move together (the Docker image).
 */
function whereItCameFrom(esbuild, outdir) {
  return {
    name: 'where-it-came-from',
    setup(build) {
      // A library loaded when first used (`await import('archiver')`) stays in node_modules, loaded by
      // Node as before: it costs a start nothing, and esbuild's chunk for a CommonJS library would
      // hand `import()` only its default export (rate-limiter-flexible's named ones were missing).
      build.onResolve({ filter: /^[^./]/ }, (args) =>
        args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
      );
      build.onLoad({ filter: /\.(c|m)?js$/ }, async (args) => {
        const original = await readFile(args.path, 'utf8');
        const library = args.path.includes(`${sep}node_modules${sep}`);
        // src/store/embedded/mingo.ts requires mingo through its own `require` (see there why):
        // without that line, `require` is the bundle's and esbuild takes mingo in too.
        let contents = library ? original : original.replace(OWN_REQUIRE, '');
        // A single non-ASCII character (an en dash in a comment) makes V8 decode and parse a whole
        // output file as two-byte text: a library file with one loses its comments and line breaks.
        if (library && NON_ASCII.test(contents)) {
          contents = (await esbuild.transform(contents, { loader: 'js', minifyWhitespace: true, charset: 'ascii' })).code;
        }
        const usesUrl = contents.includes('import.meta.url');
        const usesDir = library && /\b__(dirname|filename)\b/.test(contents);
        if (!usesUrl && !usesDir && contents === original) return undefined;
        // Not import.meta.url itself: it would make esbuild take a CommonJS file for an ES module.
        const url = `new URL(${JSON.stringify(relative(outdir, args.path).split(sep).join('/'))}, __sputnikBundleUrl)`;
        if (usesUrl) contents = contents.replaceAll('import.meta.url', `${url}.href`);
        // Only CommonJS has these; its module is wrapped in a function by esbuild, so they stay local.
        if (usesDir) {
          const path = `require("node:url").fileURLToPath(${url})`;
          contents = `var __filename = ${path}, __dirname = require("node:path").dirname(__filename);\n${contents}`;
        }
        return { contents, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/** Bundles dist/'s two entries into dist/bundle/; resolves to why it did not, or undefined. */
export async function bundle(dist) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return 'esbuild is not installed';
  }
  const outdir = join(dist, 'bundle');
  try {
    await esbuild.build({
      entryPoints: { main: join(dist, 'main.js'), cli: join(dist, 'cli', 'main.js') },
      outdir,
      bundle: true,
      // The CLI's commands and the channels load when used (import()): each stays a chunk of its own.
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // mongoose names its schema types by their constructors' names.
      keepNames: true,
      // jsonc-parser's CommonJS build is UMD, which esbuild cannot follow; its ES build is plain.
      mainFields: ['module', 'main'],
      external: EXTERNAL,
      banner: { js: BANNER },
      // Read only with NODE_OPTIONS=--enable-source-maps; they lead through tsc's maps to src/.
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'silent',
      plugins: [whereItCameFrom(esbuild, outdir)],
    });
    return undefined;
  } catch (error) {
    return error?.errors?.[0]?.text ?? (error instanceof Error ? error.message : String(error));
  }
}

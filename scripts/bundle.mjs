// Bundles the compiled CLI (dist/, from tsc) into dist/bundle/ with esbuild, for start-up time:
// loading chevrotain and its lodash-es (hundreds of small ES modules) and wdlrun's own ~150 modules
// file by file costs a fresh process more than everything else it does for `wdlrun check` of a small
// document (figures: README, Benchmarks; `npm run bench:startup`). Each command's heavy modules stay
// in chunks of their own, loaded by its action (code splitting on the dynamic imports). dockerode
// stays outside: it is loaded with require() when a Docker backend opens, optional native parts and all.
import { rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist/bundle", { recursive: true, force: true }); // chunk names change with their contents

await build({
  // The CLI, and the worker thread that lays out graphs (src/graph/layout.ts finds it beside its chunk).
  entryPoints: { main: "dist/cli/main.js", "elk-thread": "dist/graph/elk-thread.js" },
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["dockerode"],
  // CommonJS dependencies (commander) call require(): give the ES module bundle one.
  banner: { js: "import { createRequire as wdlrunCreateRequire } from 'node:module'; const require = wdlrunCreateRequire(import.meta.url);" },
  logLevel: "warning",
});

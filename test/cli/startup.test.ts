/**
 * Start-up stays light: the bundled CLI's entry (dist/bundle/main.js, built
 * by `npm run build`, which `npm ci` runs) loads only the command line, the
 * configuration and small shared modules before a command's action runs.
 * The parser library, the front end, the standard library, the backends, the
 * report and the graph layout are each loaded by the command that needs them
 * (a dynamic import), so `wdlrun --version` costs about a bare `node`
 * (figures: `npm run bench:startup`). This test walks the entry's static
 * imports and names any module that crept into them.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bundleDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "bundle");

/** The files the entry loads before any action runs: itself and its static imports, transitively. */
function staticClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(path.join(bundleDir, file), "utf8");
    for (const m of text.matchAll(/^(?:import|export)\b[^;]*?from "\.\/([^"]+)"|^import "\.\/([^"]+)"/gm)) visit((m[1] ?? m[2])!);
  };
  visit(entry);
  return [...seen];
}

/** The source modules bundled into `file` (esbuild marks each with a `// path` line). */
function modulesOf(file: string): string[] {
  return [...readFileSync(path.join(bundleDir, file), "utf8").matchAll(/^\/\/ ((?:dist|node_modules)\/\S+)$/gm)].map((m) => m[1]!);
}

const heavy = [/node_modules\/(@?chevrotain|lodash-es|elkjs|dockerode)\//, /^dist\/(syntax\/parse|analysis|stdlib|eval|backends\/(docker|swarm|engine|local)|report|graph|runtime\/cache)\//];

describe.skipIf(!existsSync(path.join(bundleDir, "main.js")))("start-up", () => {
  it("the bundled entry loads no heavy module before a command runs", () => {
    const loaded = staticClosure("main.js").flatMap(modulesOf);
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.filter((m) => heavy.some((h) => h.test(m)))).toEqual([]);
  });
});

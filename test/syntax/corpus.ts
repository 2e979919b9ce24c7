/**
 * Locates the conformance corpus (../shared/wdl-conformance from the repo
 * root, or $WDL_CONFORMANCE_DIR) and lists its .wdl files, for syntax tests.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The corpus root directory, or undefined when it is not present. */
export function conformanceDir(): string | undefined {
  const dir = process.env.WDL_CONFORMANCE_DIR ?? resolve(repoRoot, "../shared/wdl-conformance");
  return existsSync(dir) ? dir : undefined;
}

/** Every .wdl file under `dir`, recursively, sorted. */
export function wdlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...wdlFilesUnder(path));
    else if (name.endsWith(".wdl")) out.push(path);
  }
  return out;
}

/** The .wdl files of the spec-1.2 and spec-1.1 sets (empty when the corpus is absent). */
export function corpusFiles(): string[] {
  const dir = conformanceDir();
  if (dir === undefined) return [];
  return ["spec-1.2", "spec-1.1"].flatMap((set) => (existsSync(join(dir, set)) ? wdlFilesUnder(join(dir, set)) : []));
}

/**
 * Lists the conformance corpus' .wdl files (located by conformance/corpus.ts), for syntax tests.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { requireCorpusDir } from "../../conformance/corpus.js";


/** The corpus root directory; throws (failing the test) when it cannot be found. */
export function conformanceDir(): string {
  return requireCorpusDir();
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
  return ["spec-1.2", "spec-1.1"].flatMap((set) => (existsSync(join(dir, set)) ? wdlFilesUnder(join(dir, set)) : []));
}

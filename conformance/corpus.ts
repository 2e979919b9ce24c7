/**
 * Locates the WDL conformance corpus, which lives outside the repository:
 * `$WDL_CONFORMANCE_DIR`, else `../shared/wdl-conformance` beside the
 * repository, else `/work/shared/wdl-conformance` (the shared folder of the
 * project's development machines, for clones made elsewhere).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The places looked at, in order. */
export function corpusCandidates(): string[] {
  const fromEnv = process.env.WDL_CONFORMANCE_DIR;
  if (fromEnv) return [path.resolve(fromEnv)];
  return [path.resolve(repoRoot, "..", "shared", "wdl-conformance"), "/work/shared/wdl-conformance"];
}

/** The corpus directory, or undefined when none of the candidates exists. */
export function findCorpusDir(): string | undefined {
  return corpusCandidates().find((dir) => existsSync(path.join(dir, "README.md")) || existsSync(path.join(dir, "spec-1.2")));
}

/** The corpus directory; throws an error that says where it looked and how to point at it. */
export function requireCorpusDir(): string {
  const dir = findCorpusDir();
  if (dir === undefined) {
    throw new Error(
      `the WDL conformance corpus was not found (looked in ${corpusCandidates().join(", ")}); set WDL_CONFORMANCE_DIR to its folder`,
    );
  }
  return dir;
}

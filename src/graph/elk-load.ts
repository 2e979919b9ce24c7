/**
 * Loads ELK (elkjs's bundled build, 1.6 MB of JavaScript) with a V8 code
 * cache: compiling it is most of what a first layout costs (measured here:
 * load and first layout ~470 ms of CPU without the cache, ~115 ms with it).
 * The cache is `<cache root>/code/elk-<elkjs version>-node<version>.v8`
 * (../config/cache-root.ts), written after the first layout of a process
 * that had none (or whose cache V8 rejected: another V8, other flags); it is
 * only ever an optimisation, so a cache that cannot be read or written is
 * passed over.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import path from "node:path";
import vm from "node:vm";
import type { ELK } from "elkjs/lib/elk-api.js";
import { cacheRoot } from "../config/cache-root.js";

/** ELK, and a function that stores its code cache once it has run (a no-op when the cache was used). */
export interface LoadedElk {
  readonly elk: ELK;
  readonly storeCodeCache: () => void;
}

/** The version of elkjs installed. */
export function elkVersion(): string {
  return (createRequire(import.meta.url)("elkjs/package.json") as { version?: string }).version ?? "0";
}

/** Compiles and runs ELK's bundled build, from its code cache when there is a usable one. */
export function loadElk(): LoadedElk {
  const require = createRequire(import.meta.url);
  const file = require.resolve("elkjs/lib/elk.bundled.js");
  const version = elkVersion();
  const cacheFile = path.join(cacheRoot(), "code", `elk-${version}-node${process.version}.v8`);
  const cached = readOrUndefined(cacheFile);
  const script = new vm.Script(Module.wrap(readFileSync(file, "utf8")), { filename: file, ...(cached ? { cachedData: cached } : {}) });
  const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;
  const module = { exports: {} as unknown };
  wrapper.call(module.exports, module.exports as object, createRequire(file), module, file, path.dirname(file));
  const elk = new (module.exports as new () => ELK)();
  let stored = cached !== undefined && !script.cachedDataRejected;
  return {
    elk,
    storeCodeCache: () => {
      if (stored) return;
      stored = true;
      writeAtomicQuietly(cacheFile, script.createCachedData());
    },
  };
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes `data` to `file` through a temporary file and a rename; any failure (read-only home, disk full) leaves no cache. */
export function writeAtomicQuietly(file: string, data: Buffer | string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
  }
}

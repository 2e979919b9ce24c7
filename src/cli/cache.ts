/**
 * `wdlrun cache`: the call cache folder (`cache.dir`). `list` (the default)
 * shows each entry's key, age, size, task and where it came from; `rm
 * --older-than AGE` or `rm --all` removes entries; `explain RUN_DIR CALL`
 * says why a call of a run was or was not served from the cache (which part
 * of its key changed).
 *
 * Exit codes: 0 done, 2 bad usage, invalid config or an unknown run/call.
 */
import type { Command } from "commander";
import { rm } from "node:fs/promises";
import path from "node:path";
import { ConfigError, loadConfig } from "../config/index.js";
import { formatBytes } from "../runtime/units.js";
import type { CallStore, FoundEntry } from "../runtime/cache/store.js";
import { addCommand, ExitCode } from "./program.js";

/** Options every `cache` sub-command takes. */
export interface CacheOptions {
  readonly dir?: string;
  readonly config?: string;
}

/** Options of `cache rm`. */
export interface CacheRemoveOptions extends CacheOptions {
  readonly olderThan?: string;
  readonly all?: boolean;
  readonly dryRun?: boolean;
}

type Out = (line: string) => void;

/** The store the options and config name, or a ConfigError's lines. */
async function openStore(opts: CacheOptions, out: Out): Promise<CallStore | undefined> {
  // Loaded here, not at start-up (see ./program.ts).
  const { CallStore } = await import("../runtime/cache/store.js");
  try {
    const config = loadConfig({
      ...(opts.config !== undefined ? { configFile: opts.config } : {}),
      flags: { ...(opts.dir !== undefined ? { "cache.dir": opts.dir } : {}) },
    });
    return new CallStore(config.cache.dir);
  } catch (e) {
    if (e instanceof ConfigError) {
      out(`wdlrun: invalid configuration:\n${e.problems.map((p) => `  ${p}`).join("\n")}`);
      return undefined;
    }
    throw e;
  }
}

/** `wdlrun cache list`: one line per entry, oldest first, then the total. */
export async function cacheListCommand(opts: CacheOptions, out: Out, now = Date.now()): Promise<number> {
  const store = await openStore(opts, out);
  if (!store) return ExitCode.usage;
  const entries = (await store.list()).sort((a, b) => a.entry.created.localeCompare(b.entry.created));
  if (entries.length > 0) out(["KEY         ", "AGE    ", "SIZE      ", "TASK", "CALL", "FROM"].join("  "));
  let total = 0;
  for (const { entry } of entries) {
    total += entry.bytes;
    out([entry.key.slice(0, 12), pad(formatAge(now - Date.parse(entry.created)), 7), pad(formatBytes(entry.bytes), 10), entry.task, entry.callId, entry.origin].join("  "));
  }
  out(`${entries.length} entr${entries.length === 1 ? "y" : "ies"}, ${formatBytes(total)} in ${store.dir}`);
  return ExitCode.ok;
}

/** `wdlrun cache rm`: removes entries older than `--older-than`, or all (`--all`: also the remembered digests). */
export async function cacheRemoveCommand(opts: CacheRemoveOptions, out: Out, now = Date.now()): Promise<number> {
  if ((opts.olderThan === undefined) === !opts.all) {
    out("wdlrun: cache rm needs exactly one of --older-than AGE (e.g. 7d, 12h, 30m) or --all");
    return ExitCode.usage;
  }
  let maxAgeMs = 0;
  if (opts.olderThan !== undefined) {
    const ms = parseAge(opts.olderThan);
    if (ms === undefined) {
      out(`wdlrun: --older-than ${JSON.stringify(opts.olderThan)}: expected a number and a unit: s, m, h, d or w (e.g. 7d)`);
      return ExitCode.usage;
    }
    maxAgeMs = ms;
  }
  const store = await openStore(opts, out);
  if (!store) return ExitCode.usage;
  const doomed: FoundEntry[] = (await store.list()).filter((e) => opts.all || now - Date.parse(e.entry.created) > maxAgeMs);
  let bytes = 0;
  for (const e of doomed) {
    bytes += e.entry.bytes;
    if (!opts.dryRun) await store.remove(e.entry.key);
  }
  if (opts.all && !opts.dryRun) await rm(store.digestsDir, { recursive: true, force: true });
  out(`${opts.dryRun ? "would remove" : "removed"} ${doomed.length} entr${doomed.length === 1 ? "y" : "ies"} (${formatBytes(bytes)}) from ${store.dir}`);
  return ExitCode.ok;
}

/** `wdlrun cache explain RUN_DIR CALL`. */
export async function cacheExplainCommand(runDir: string, call: string, opts: CacheOptions, out: Out): Promise<number> {
  const store = await openStore(opts, out);
  if (!store) return ExitCode.usage;
  const { explainCall } = await import("../runtime/cache/explain.js");
  const x = await explainCall(store, path.resolve(runDir), call);
  if (x.kind === "bad-call") {
    out(`wdlrun: ${x.message}`);
    return ExitCode.usage;
  }
  for (const line of x.lines) out(line);
  return ExitCode.ok;
}

const AGE_UNITS: Readonly<Record<string, number>> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/** `7d`, `12h`, `30m`, `45s`, `2w` in milliseconds; undefined when malformed. */
export function parseAge(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/.exec(text);
  return m ? Number(m[1]) * AGE_UNITS[m[2]!]! : undefined;
}

/** `3d`, `5h`, `12m`, `40s`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s >= 86400) return `${Math.floor(s / 86400)}d`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h`;
  if (s >= 60) return `${Math.floor(s / 60)}m`;
  return `${s}s`;
}

function pad(s: string, n: number): string {
  return s.padEnd(n);
}

/** Registers `cache` and its sub-commands with the program. */
export function registerCache(program: Command, done: (code: number) => void): void {
  const say: Out = (line) => process.stdout.write(line + "\n");
  const cache = program.command("cache").description("list, remove and explain entries of the call cache (cache.dir)");
  const common = (c: Command) =>
    c.option("--dir <dir>", "the cache folder (default: cache.dir, ~/.cache/wdlrun/calls)").option("--config <file>", "read this TOML config file");
  common(cache.command("list", { isDefault: true }).description("list the entries: key, age, size, task, call, the attempt they came from")).action(
    async (opts: CacheOptions) => done(await cacheListCommand(opts, say)),
  );
  common(
    cache
      .command("rm")
      .description("remove entries (runs that used them keep their files)")
      .option("--older-than <age>", "entries stored longer ago than this: 30m, 12h, 7d, 2w")
      .option("--all", "every entry, and the remembered file digests")
      .option("--dry-run", "say what would be removed, remove nothing"),
  ).action(async (opts: CacheRemoveOptions) => done(await cacheRemoveCommand(opts, say)));
  common(
    cache
      .command("explain")
      .description("why a call of a run was or was not served from the cache: which part of its key changed")
      .argument("<run-dir>", "the run directory")
      .argument("<call>", "the call: its id (call-align-0003, call-sub.call-x) or directory path"),
  ).action(async (runDir: string, call: string, opts: CacheOptions) => done(await cacheExplainCommand(runDir, call, opts, say)));
}

addCommand(registerCache);

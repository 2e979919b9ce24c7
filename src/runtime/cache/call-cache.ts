/**
 * The call cache as the task runner sees it: for an attempt whose inputs
 * and requirements are evaluated, `probe` computes the call's key and
 * answers `off` (volatile task, cache-off hint, no image identity), `hit`
 * (the outputs, with their files linked into the attempt directory from a
 * verified entry), or `miss` (with `store`, to call once the attempt
 * succeeded). Every answer is written to the attempt's `cache.json`, which
 * `wdlrun cache explain` reads.
 */
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { CheckedTask } from "../../analysis/index.js";
import type { Backend } from "../../backends/backend.js";
import type { MetaSection } from "../../syntax/ast.js";
import { coerce } from "../../values/coerce.js";
import type { WdlValue } from "../../values/value.js";
import type { TaskAttributes } from "../requirements/constraints.js";
import type { AttemptPaths } from "../run-dir.js";
import { ContentDigests } from "./digest.js";
import { CACHE_FORMAT, callKey, type CallKey } from "./key.js";
import { CallStore, linkOrCopy, type FileToStore, type FoundEntry } from "./store.js";
import { decodeValue, encodeValue } from "./values.js";

/** One attempt, as far as the cache needs to know it. */
export interface ProbeRequest {
  readonly task: CheckedTask;
  /** The call as its workflow names it (`wf.align`). */
  readonly call: string;
  readonly callId: string;
  readonly paths: AttemptPaths;
  readonly backend: Backend;
  /** The container candidates of the task (resolved to an image id by the backend). */
  readonly containers: readonly string[];
  readonly attributes: TaskAttributes;
  readonly overrides?: TaskAttributes;
  /** Every input and private declaration's value, by name. */
  readonly values: ReadonlyMap<string, WdlValue>;
}

/** The cache's answer for one attempt. */
export type CallProbe =
  | { readonly kind: "off"; readonly reason: string }
  | { readonly kind: "hit"; readonly outputs: Map<string, WdlValue>; readonly origin: string }
  | {
      readonly kind: "miss";
      readonly reason: string;
      /** Stores the attempt's result (after it succeeded); rejects when the cache folder cannot take it. */
      store(outputs: ReadonlyMap<string, WdlValue>): Promise<void>;
    };

/** What a run did with the cache. */
export interface CacheCounts {
  hits: number;
  misses: number;
  stored: number;
  /** Calls never cached (volatile, `cache: false`, or no key could be made). */
  off: number;
}

/** What `cache.json` in an attempt directory says. */
export interface AttemptCacheRecord {
  readonly result: "off" | "hit" | "miss";
  readonly reason?: string;
  readonly key?: CallKey;
  readonly task: string;
  readonly callId: string;
  /** On a hit, the attempt directory the result came from, and the entry. */
  readonly origin?: string;
  readonly entry?: string;
}

/** The call cache of one run. */
export class CallCache {
  readonly store: CallStore;
  readonly digests: ContentDigests;
  readonly counts: CacheCounts = { hits: 0, misses: 0, stored: 0, off: 0 };

  constructor(dir: string) {
    this.store = new CallStore(dir);
    this.digests = new ContentDigests(this.store.digestsDir);
  }

  /** Looks the attempt up; on a hit its outputs' files are in `paths.dir` when this resolves. */
  async probe(req: ProbeRequest): Promise<CallProbe> {
    const off = cacheOff(req.task, req.attributes, req.overrides);
    if (off !== undefined) {
      this.counts.off++;
      return this.answer(req, { kind: "off", reason: off });
    }
    let key: CallKey;
    try {
      const image = await req.backend.imageIdentity(req.containers);
      key = await callKey({ task: req.task, backend: req.backend.kind, attributes: req.attributes, values: req.values, ...(image ? { image } : {}), ...(req.overrides ? { overrides: req.overrides } : {}) }, this.digests);
    } catch (e) {
      this.counts.off++;
      return this.answer(req, { kind: "off", reason: `no key: ${e instanceof Error ? e.message : String(e)}` });
    }
    const found = await this.store.find(key.hash);
    let reason = "no entry with this key";
    if (found) {
      const problem = await this.verify(found);
      if (problem === undefined) {
        const outputs = await this.materialize(req, found).catch(() => undefined);
        if (outputs) {
          this.counts.hits++;
          return this.answer(req, { kind: "hit", outputs, origin: found.entry.origin }, key, found.dir);
        }
        reason = "the entry with this key could not be linked in (removed meanwhile?)";
      } else {
        await this.store.remove(key.hash).catch(() => undefined);
        reason = `the entry with this key is not trustworthy (${problem}): removed`;
      }
    }
    this.counts.misses++;
    return this.answer(req, { kind: "miss", reason, store: (outputs) => this.put(req, key, outputs) }, key);
  }

  /** Undefined when every stored file still has its recorded digest; else what is wrong. */
  private async verify(found: FoundEntry): Promise<string | undefined> {
    for (const f of found.entry.files) {
      const digest = await this.digests.of(path.join(found.dir, f.stored), f.directory ? "Directory" : "File").catch(() => undefined);
      if (digest !== f.digest) return `${f.stored} ${digest === undefined ? "is gone" : "changed"}`;
    }
    return undefined;
  }

  /** Links the entry's files into the attempt directory and decodes its outputs; on failure removes what it linked and rejects. */
  private async materialize(req: ProbeRequest, found: FoundEntry): Promise<Map<string, WdlValue>> {
    const made: string[] = [];
    const targets = found.entry.files.map((f, i) => (f.rel !== undefined ? path.join(req.paths.dir, f.rel) : path.join(req.paths.dir, "cached", String(i), path.basename(f.stored))));
    try {
      for (const [i, f] of found.entry.files.entries()) {
        const to = targets[i]!;
        if (!isInside(to, req.paths.dir)) throw new Error(`entry file outside the attempt directory: ${f.rel}`);
        try {
          await linkOrCopy(path.join(found.dir, f.stored), to);
          made.push(to);
        } catch (e) {
          // A `write_*` file of the task's declarations is already there (named for its content).
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
      }
      const outputs = new Map<string, WdlValue>();
      for (const out of req.task.outputs) {
        const encoded = found.entry.outputs[out.name];
        if (encoded === undefined) throw new Error(`the entry has no output ${out.name}`);
        outputs.set(out.name, coerce(decodeValue(encoded, (ref) => targets[Number(ref)] ?? ""), out.type));
      }
      return outputs;
    } catch (e) {
      for (const p of made.reverse()) await removeTree(p);
      throw e;
    }
  }

  /** Stores a successful attempt's outputs, stdout and stderr under `key`. */
  private async put(req: ProbeRequest, key: CallKey, outputs: ReadonlyMap<string, WdlValue>): Promise<void> {
    const files: FileToStore[] = [];
    const index = new Map<string, number>();
    const add = async (p: string, kind: "File" | "Directory"): Promise<number> => {
      let i = index.get(p);
      if (i === undefined) {
        i = files.length;
        index.set(p, i);
        const rel = isInside(p, req.paths.dir) ? path.relative(req.paths.dir, p) : undefined;
        files.push({ source: p, directory: kind === "Directory", digest: await this.digests.of(p, kind), ...(rel !== undefined ? { rel } : {}) });
      }
      return i;
    };
    const stdout = await add(req.paths.stdoutFile, "File");
    const stderr = await add(req.paths.stderrFile, "File");
    const encoded: Record<string, unknown[]> = {};
    for (const [name, v] of outputs) encoded[name] = [...(await encodeValue(v, add))];
    const dir = await this.store.put(
      {
        format: CACHE_FORMAT,
        key: key.hash,
        components: key.components,
        details: key.details,
        task: req.task.name,
        call: req.call,
        callId: req.callId,
        document: req.task.document.uri,
        origin: req.paths.dir,
        created: new Date().toISOString(),
        outputs: encoded,
        stdout,
        stderr,
      },
      files,
    );
    if (dir !== undefined) this.counts.stored++;
    await this.record(req, { result: "miss", reason: dir === undefined ? "no entry with this key (another run stored it first)" : "no entry with this key; stored", key, ...(dir ? { entry: dir } : {}) });
  }

  private async answer(req: ProbeRequest, probe: CallProbe, key?: CallKey, entry?: string): Promise<CallProbe> {
    await this.record(req, {
      result: probe.kind,
      ...(probe.kind !== "hit" ? { reason: probe.reason } : { origin: probe.origin }),
      ...(key ? { key } : {}),
      ...(entry ? { entry } : {}),
    });
    return probe;
  }

  private async record(req: ProbeRequest, rec: Omit<AttemptCacheRecord, "task" | "callId">): Promise<void> {
    const full: AttemptCacheRecord = { task: req.task.name, callId: req.callId, ...rec };
    await writeFile(path.join(req.paths.dir, CACHE_RECORD), JSON.stringify(full, null, 1) + "\n").catch(() => undefined);
  }
}

/** The attempt directory's file that says what the cache did. */
export const CACHE_RECORD = "cache.json";

/** Why a task is never cached (`meta { volatile: true }`, a `cache: false` hint), or undefined. */
export function cacheOff(task: CheckedTask, attributes: TaskAttributes, overrides?: TaskAttributes): string | undefined {
  if (metaFlag(task.def.meta, "volatile")) return "the task is volatile (meta { volatile: true })";
  for (const a of overrides ? [attributes, overrides] : [attributes]) {
    for (const [section, m] of [["hints", a.hints], ["runtime", a.runtime]] as const) {
      const v = m.get("cache");
      if (v?.kind === "Boolean" && !v.value) return `the task's ${section} say cache: false`;
    }
  }
  return undefined;
}

function metaFlag(meta: MetaSection | undefined, name: string): boolean {
  const e = meta?.entries.find((x) => x.key.name === name);
  return e?.value.kind === "MetaBoolean" && e.value.value;
}

function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

async function removeTree(p: string): Promise<void> {
  await rm(p, { recursive: true, force: true }).catch(() => undefined);
}

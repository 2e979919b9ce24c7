/**
 * The call cache on disk (`cache.dir`, default ~/.cache/wdlrun/calls):
 *
 * ```
 * entries/<key hash>/entry.json     what the call produced, its key's parts, where it came from
 * entries/<key hash>/files/<n>/…    its stdout, stderr and output files (hard links, else copies)
 * digests/<dev>-<inode>             remembered content digests (./digest.ts)
 * tmp/                              entries being written or removed
 * ```
 *
 * An entry is built in `tmp/` and renamed into `entries/` in one step, so a
 * reader never sees half of one; when two runs store the same key at once,
 * the first rename wins and the other's copy is discarded. Removal renames
 * the entry into `tmp/` before deleting it. The stored files are links to
 * (or copies of) the run's files, so deleting the run keeps them.
 */
import { randomBytes } from "node:crypto";
import { copyFile, link, lstat, mkdir, readdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { CACHE_FORMAT, type KeyComponents, type KeyDetails } from "./key.js";
import type { EncodedValue } from "./values.js";

/** One stored file or directory of an entry. */
export interface StoredFile {
  /** Where it is inside the entry (`files/3/out.txt`). */
  readonly stored: string;
  /** Where it was relative to its attempt directory (`work/out.txt`, `stdout`); absent when it lay outside. */
  readonly rel?: string;
  readonly directory: boolean;
  readonly digest: string;
  readonly bytes: number;
}

/** What `entry.json` holds. */
export interface CacheEntry {
  readonly format: number;
  readonly key: string;
  readonly components: KeyComponents;
  readonly details: KeyDetails;
  /** The task's name, the call as its workflow names it, and the call id. */
  readonly task: string;
  readonly call: string;
  readonly callId: string;
  /** The WDL document the task came from. */
  readonly document: string;
  /** The attempt directory whose result this is. */
  readonly origin: string;
  /** ISO time it was stored. */
  readonly created: string;
  /** The outputs by name; File/Directory values are indexes into `files`. */
  readonly outputs: Readonly<Record<string, EncodedValue>>;
  readonly files: readonly StoredFile[];
  /** Indexes into `files` of the attempt's stdout and stderr. */
  readonly stdout: number;
  readonly stderr: number;
  /** Bytes of all stored files. */
  readonly bytes: number;
}

/** An entry and the folder it is in. */
export interface FoundEntry {
  readonly entry: CacheEntry;
  readonly dir: string;
}

/** A file or directory to put into a new entry: where it is now, and what `StoredFile` says of it. */
export interface FileToStore {
  readonly source: string;
  readonly rel?: string;
  readonly directory: boolean;
  readonly digest: string;
}

/** The cache folder. */
export class CallStore {
  constructor(
    /** The cache folder (`cache.dir`). */
    readonly dir: string,
  ) {}

  /** Where remembered digests live. */
  get digestsDir(): string {
    return path.join(this.dir, "digests");
  }

  private get entriesDir(): string {
    return path.join(this.dir, "entries");
  }

  private entryDir(key: string): string {
    return path.join(this.entriesDir, key);
  }

  /** The entry of `key`, or undefined (none, damaged, or of another format). */
  async find(key: string): Promise<FoundEntry | undefined> {
    const dir = this.entryDir(key);
    const entry = await readEntry(dir);
    return entry && entry.key === key ? { entry, dir } : undefined;
  }

  /**
   * Stores an entry (`entry` without its `files` and `bytes`, which come
   * from `files`). Resolves with its folder, or undefined when another run
   * stored the same key first (theirs is kept).
   */
  async put(entry: Omit<CacheEntry, "files" | "bytes">, files: readonly FileToStore[]): Promise<string | undefined> {
    const tmp = await this.tempDir("new");
    try {
      const stored: StoredFile[] = [];
      let total = 0;
      for (const [i, f] of files.entries()) {
        const rel = path.join("files", String(i), path.basename(f.source));
        const bytes = await linkOrCopy(f.source, path.join(tmp, rel));
        total += bytes;
        stored.push({ stored: rel, ...(f.rel !== undefined ? { rel: f.rel } : {}), directory: f.directory, digest: f.digest, bytes });
      }
      const full: CacheEntry = { ...entry, files: stored, bytes: total };
      await writeFile(path.join(tmp, "entry.json"), JSON.stringify(full, null, 1) + "\n");
      await mkdir(this.entriesDir, { recursive: true });
      try {
        await rename(tmp, this.entryDir(entry.key));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOTEMPTY" || code === "EEXIST") return undefined;
        throw e;
      }
      return this.entryDir(entry.key);
    } finally {
      await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** Every readable entry (damaged ones are skipped). */
  async list(): Promise<FoundEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.entriesDir);
    } catch {
      return [];
    }
    const out: FoundEntry[] = [];
    for (const name of names) {
      const dir = path.join(this.entriesDir, name);
      const entry = await readEntry(dir);
      if (entry) out.push({ entry, dir });
    }
    return out;
  }

  /** Removes the entry of `key` (a run reading it at that moment sees a miss). */
  async remove(key: string): Promise<void> {
    const gone = await this.tempDir("old");
    await rm(gone, { recursive: true, force: true });
    try {
      await rename(this.entryDir(key), gone);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    await rm(gone, { recursive: true, force: true });
  }

  /** A fresh folder under `tmp/`. */
  private async tempDir(what: string): Promise<string> {
    const dir = path.join(this.dir, "tmp", `${what}-${process.pid}-${randomBytes(6).toString("hex")}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }
}

async function readEntry(dir: string): Promise<CacheEntry | undefined> {
  try {
    const entry = JSON.parse(await readFile(path.join(dir, "entry.json"), "utf8")) as CacheEntry;
    return entry.format === CACHE_FORMAT && typeof entry.key === "string" && Array.isArray(entry.files) ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes `to` hold what `from` holds: a hard link per file where both are on
 * one file system, a copy where not; directories are recreated and symbolic
 * links inside directories copied as links (`from` itself is followed). Resolves with the bytes of the files.
 */
export async function linkOrCopy(from: string, to: string, followLink = true): Promise<number> {
  await mkdir(path.dirname(to), { recursive: true });
  const st = followLink ? await stat(from) : await lstat(from);
  if (st.isSymbolicLink()) {
    await symlink(await readlink(from), to);
    return 0;
  }
  if (st.isDirectory()) {
    await mkdir(to, { recursive: true });
    let total = 0;
    for (const name of await readdir(from)) total += await linkOrCopy(path.join(from, name), path.join(to, name), false);
    return total;
  }
  try {
    await link(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EXDEV" && code !== "EPERM" && code !== "EMLINK" && code !== "EACCES") throw e;
    await copyFile(from, to);
  }
  return st.size;
}

/**
 * The run directory: `<out>/<timestamp>_<target>/` holding `inputs.json`,
 * `outputs.json` or `error.json`, the run's `log`, and one directory per call
 * (`call-align`, `call-align-0007` for scatter element 7, nested inside a
 * sub-workflow call's directory), each with `attempt-N/{command, stdout,
 * stderr, work/}`. A `latest` symlink in `<out>` points at the newest run.
 * Nothing a task wrote is ever deleted here. `outputs.json` and `error.json`
 * are written whole or not at all (a temporary file renamed into place), and a
 * file wdlrun cannot write (a full disk) fails with a FileWriteError naming it.
 */
import { closeSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { mkdir, rename, stat, symlink, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { hostPath, type HostPath } from "../backends/backend.js";
import { stringifyJson } from "../values/json-text.js";

/** `20250127_101503` in local time. */
export function timestampName(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Makes a name safe as one path segment (letters, digits, `_`, `-`, `.`). */
export function safeSegment(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_.-]/g, "_");
  return s === "" || s === "." || s === ".." ? "_" : s;
}

/** Width of scatter indexes: at least 4 digits, more when the scatter is larger. */
export function indexWidth(count: number): number {
  return Math.max(4, String(Math.max(0, count - 1)).length);
}

/**
 * The directory name of a call: `call-NAME`, plus `-IIII` for each enclosing
 * scatter index (outermost first), e.g. `call-align-0007-0002`.
 */
export function callDirName(callName: string, scatterIndexes: readonly { readonly index: number; readonly count: number }[]): string {
  let s = `call-${safeSegment(callName)}`;
  for (const ix of scatterIndexes) s += `-${String(ix.index).padStart(indexWidth(ix.count), "0")}`;
  return s;
}

/** A call id from its directory names (outermost workflow first), e.g. `call-sub-0001.call-align-0007`. */
export function callIdOf(dirNames: readonly string[]): string {
  return dirNames.join(".");
}

/** Paths of one attempt of one call. */
export interface AttemptPaths {
  readonly dir: HostPath;
  readonly workDir: HostPath;
  readonly commandFile: HostPath;
  readonly stdoutFile: HostPath;
  readonly stderrFile: HostPath;
  /** Files written by `write_*` while evaluating the task's declarations (mounted read-only). */
  readonly writeDir: HostPath;
}

/** The paths of attempt `attempt` (1-based) under `callDir`. */
export function attemptPaths(callDir: HostPath, attempt: number): AttemptPaths {
  const dir = path.join(callDir, `attempt-${attempt}`);
  return {
    dir: hostPath(dir),
    workDir: hostPath(path.join(dir, "work")),
    commandFile: hostPath(path.join(dir, "command")),
    stdoutFile: hostPath(path.join(dir, "stdout")),
    stderrFile: hostPath(path.join(dir, "stderr")),
    writeDir: hostPath(path.join(dir, "write")),
  };
}

/** Creates an attempt's directories (`work/`, `write/`); synchronously, as writeRunFile writes. */
export async function createAttemptDir(p: AttemptPaths): Promise<void> {
  for (const dir of [p.workDir, p.writeDir]) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new FileWriteError(dir, e);
    }
  }
}

/** A file or folder of the run that could not be written; the message names it and why (`no space left on the device`). */
export class FileWriteError extends Error {
  constructor(
    readonly path: string,
    readonly fsError: unknown,
  ) {
    super(`cannot write ${path}: ${describeFsError(fsError)}`);
    this.name = "FileWriteError";
  }
}

/**
 * Writes a small file of an attempt (its command, a JSON record), failing with
 * a FileWriteError. Synchronously: through the promise API the same write
 * costs several times the CPU, a share of every attempt's cost when many run at once.
 */
export async function writeRunFile(file: string, text: string): Promise<void> {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new FileWriteError(file, e);
  }
}

/** A file-system error in words (`no space left on the device`), without the stack. */
export function describeFsError(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case "EEXIST":
    case "ENOTDIR":
      return "a path component is a file, not a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "read-only file system";
    case "ENOSPC":
      return "no space left on the device";
    case "EDQUOT":
      return "disk quota exceeded";
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

/** One run's directory and its files. */
export class RunDir {
  /** The open log file, once a line was written. */
  private logFd: number | undefined;
  /** Why the log could not be written (it is then no longer written); undefined while it can. */
  logProblem: string | undefined;

  private constructor(
    /** The run directory. */
    readonly dir: HostPath,
    /** Its name, also the run id used to label containers. */
    readonly runId: string,
  ) {}

  /**
   * Creates `<out>/<timestamp>_<target>/` (suffixed `-2`, `-3`, … when taken)
   * and points `<out>/latest` at it.
   */
  static async create(out: string, target: string, now = new Date()): Promise<RunDir> {
    const root = path.resolve(out);
    await makeDirs(root);
    const base = `${timestampName(now)}_${safeSegment(target)}`;
    for (let n = 1; ; n++) {
      const name = n === 1 ? base : `${base}-${n}`;
      const dir = path.join(root, name);
      try {
        await mkdir(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST") continue;
        throw e;
      }
      await pointLatest(root, name);
      return new RunDir(hostPath(dir), name);
    }
  }

  /** The directory of a call, given its directory names from the run's top (e.g. `["call-sub", "call-align-0007"]`). */
  callDir(dirNames: readonly string[]): HostPath {
    return hostPath(path.join(this.dir, ...dirNames));
  }

  /** Writes `inputs.json`. */
  writeInputs(json: unknown): Promise<void> {
    return writeJson(path.join(this.dir, "inputs.json"), json);
  }

  /** Writes `outputs.json` (the text of `outputsJsonText`). */
  writeOutputs(text: string): Promise<void> {
    return writeAtomic(path.join(this.dir, "outputs.json"), text);
  }

  /** Writes `error.json`. */
  writeError(json: unknown): Promise<void> {
    return writeJson(path.join(this.dir, "error.json"), json);
  }

  /** Writes `error.json` synchronously (for a process about to exit); never throws. */
  writeErrorNow(json: unknown): void {
    try {
      writeAtomicSync(path.join(this.dir, "error.json"), stringifyJson(json, 2) + "\n");
    } catch {
      // Nothing was written.
    }
  }

  /** Lines logged since the last write to the log (one write per turn of the event loop, not one per line). */
  private logPending = "";
  private logFlush: NodeJS.Immediate | undefined;

  /** Appends one line to `log` (buffered, written once per turn of the event loop). A log that cannot be written is given up, with `logProblem` set. */
  log(line: string): void {
    if (this.logProblem !== undefined) return;
    this.logPending += line.endsWith("\n") ? line : line + "\n";
    this.logFlush ??= setImmediate(() => this.writeLog());
  }

  /**
   * Appends what was logged since the last write, synchronously: a few
   * hundred bytes into the page cache, where an asynchronous write hands each
   * one to a worker thread (on a machine the engine keeps busy, that hand-off
   * costs more than the write).
   */
  private writeLog(): void {
    this.logFlush = undefined;
    const text = this.logPending;
    this.logPending = "";
    if (text === "" || this.logProblem !== undefined) return;
    const file = path.join(this.dir, "log");
    try {
      this.logFd ??= openSync(file, "a");
      writeSync(this.logFd, text);
    } catch (e) {
      this.logProblem = new FileWriteError(file, e).message;
      this.closeLog();
    }
  }

  private closeLog(): void {
    if (this.logFd === undefined) return;
    try {
      closeSync(this.logFd);
    } catch {
      // Nothing more can be done for it.
    }
    this.logFd = undefined;
  }

  /** Flushes and closes the log. */
  close(): Promise<void> {
    if (this.logFlush !== undefined) clearImmediate(this.logFlush);
    this.writeLog();
    this.closeLog();
    return Promise.resolve();
  }
}

/**
 * Writes `file` whole or not at all: into a temporary file beside it, renamed
 * into place; on failure the temporary file is removed and a FileWriteError
 * names `file`.
 */
function writeJson(file: string, json: unknown): Promise<void> {
  return writeAtomic(file, stringifyJson(json, 2) + "\n");
}

/** Writes `text` to `file` through a temporary file and a rename: the file is whole or absent, never empty or cut. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = tempName(file);
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new FileWriteError(file, e);
  }
}

/** writeAtomic, synchronously: for a small file (a process about to exit, a record per attempt). */
export function writeAtomicSync(file: string, text: string): void {
  const tmp = tempName(file);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // Nothing was written.
    }
    throw new FileWriteError(file, e);
  }
}

/** A temporary name beside `file` (`.outputs.json.<pid>.tmp`). */
function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
}

/** Replaces `<root>/latest` with a relative symlink to `name` (atomically where possible). */
async function pointLatest(root: string, name: string): Promise<void> {
  const link = path.join(root, "latest");
  const tmp = path.join(root, `.latest-${process.pid}-${Date.now()}`);
  try {
    await symlink(name, tmp);
    await rename(tmp, link);
  } catch {
    await unlink(tmp).catch(() => undefined);
    // Symlinks may be unavailable (some filesystems); the run goes on without one.
  }
}

/**
 * `mkdir -p` one level at a time. Node's `{ recursive: true }` never returns
 * for a path it cannot create under an existing parent that refuses new
 * entries (e.g. `/proc/x`): it retries forever. Here that is an ENOENT error.
 */
async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdir(dir);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      if ((await stat(dir)).isDirectory()) return;
      throw e;
    }
    const parent = path.dirname(dir);
    if (code !== "ENOENT" || parent === dir) throw e;
    await makeDirs(parent);
  }
  try {
    await mkdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
}

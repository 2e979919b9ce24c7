/**
 * nodeFileIO: the default FileIO on plain synchronous node:fs. The runtime
 * gives it the base directory relative paths resolve against, the directory
 * `write_*` files go to, and (for task outputs) the stdout/stderr files.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { ValueError } from "../values/errors.js";
import type { FileIO } from "./context.js";
import { globFiles } from "./glob.js";

/** Options for `nodeFileIO`. */
export interface NodeFileIOOptions {
  /** Directory relative paths resolve against (and `glob` searches). */
  readonly baseDir: string;
  /** Directory `write_*` files are created in (created on first write); defaults to `baseDir`. */
  readonly writeDir?: string;
  /** The task's stdout file, when evaluating task outputs. */
  readonly stdout?: string;
  /** The task's stderr file, when evaluating task outputs. */
  readonly stderr?: string;
  /** Maps a File/Directory path to the path a command sees; identity when absent. */
  readonly commandPath?: (path: string, kind: "File" | "Directory") => string;
  /**
   * The host path that `read_*`, `size` and `exists` look at for a WDL path, or
   * undefined when nothing is there (task outputs read what the command wrote,
   * through the backend); by default relative paths resolve against `baseDir`.
   */
  readonly hostPath?: (path: string) => string | undefined;
  /**
   * Where `glob` looks for a path relative to `baseDir` (a task's outputs: as
   * the command saw it, links resolved inside its box), undefined when
   * nothing is there; by default the path below `baseDir`.
   */
  readonly globPath?: (path: string) => string | undefined;
}

/** A FileIO backed by node:fs. */
export function nodeFileIO(options: NodeFileIOOptions): FileIO {
  const baseDir = path.resolve(options.baseDir);
  const writeDir = path.resolve(options.writeDir ?? baseDir);
  const resolve = (p: string): string => (path.isAbsolute(p) ? p : path.resolve(baseDir, p));
  const lookUp = options.hostPath ?? resolve;
  const noSuchFile = (): never => {
    throw Object.assign(new Error("no such file or directory"), { code: "ENOENT" });
  };
  return {
    resolve,
    readText(p) {
      try {
        return fs.readFileSync(lookUp(p) ?? noSuchFile(), "utf8");
      } catch (e) {
        throw new ValueError(`cannot read file '${p}': ${describeFsError(e)}`, "file-read-failed");
      }
    },
    writeFile(nameHint, content) {
      try {
        fs.mkdirSync(writeDir, { recursive: true });
      } catch (e) {
        throw new ValueError(`cannot create the directory '${writeDir}': ${describeFsError(e)}`, "file-write-failed");
      }
      // Named for what they hold, so a rerun writes the same names; the same
      // content written twice is one file, and a clash (a file changed since,
      // or a hash collision) takes the next free suffix.
      const stem = `${nameHint}_${createHash("sha256").update(content).digest("hex").slice(0, 16)}`;
      for (let n = 0; ; n++) {
        const file = path.join(writeDir, `${stem}${n === 0 ? "" : `_${n}`}${extensionFor(nameHint)}`);
        try {
          fs.writeFileSync(file, content, { encoding: "utf8", flag: "wx" });
          return file;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
            throw new ValueError(`cannot write file '${file}': ${describeFsError(e)}`, "file-write-failed");
          }
          if (holds(file, content)) return file;
        }
      }
    },
    glob(pattern) {
      return globFiles(baseDir, pattern, options.globPath);
    },
    size(p) {
      try {
        return sizeOf(lookUp(p) ?? noSuchFile());
      } catch (e) {
        throw new ValueError(`cannot determine the size of '${p}': ${describeFsError(e)}`, "file-read-failed");
      }
    },
    exists(p) {
      const host = lookUp(p);
      return host !== undefined && fs.existsSync(host);
    },
    stdout: () => options.stdout,
    stderr: () => options.stderr,
    commandPath: options.commandPath ?? ((p) => p),
  };
}

/** Whether `file` holds exactly `content`. */
function holds(file: string, content: string): boolean {
  try {
    return fs.readFileSync(file, "utf8") === content;
  } catch {
    return false;
  }
}

/** A file extension that tells what a `write_*` file holds. */
function extensionFor(nameHint: string): string {
  if (nameHint === "write_json") return ".json";
  if (nameHint === "write_tsv" || nameHint === "write_map" || nameHint.startsWith("write_object")) return ".tsv";
  return ".txt";
}

/**
 * Size of a file, or the total size of every file below a directory. Links
 * inside a directory are not followed (they count as nothing): the directory
 * may be a task's, and its links point into the task's container, not here.
 */
function sizeOf(host: string, inside = false): number {
  const st = inside ? fs.lstatSync(host) : fs.statSync(host);
  if (st.isSymbolicLink()) return 0;
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const entry of fs.readdirSync(host)) total += sizeOf(path.join(host, entry), true);
  return total;
}

/** The short reason of a node:fs error (`no such file or directory`), without the stack. */
function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case "ENOENT":
      return "no such file or directory";
    case "EISDIR":
      return "it is a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOTDIR":
      return "a path component is not a directory";
    default:
      return err.message ?? String(e);
  }
}

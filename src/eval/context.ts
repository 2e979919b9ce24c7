/**
 * What an expression is evaluated against: the EvalContext (scope lookup,
 * struct definitions, static types, version) and FileIO, the only door to the
 * file system that the evaluator and the standard library use. Everything is
 * synchronous; the runtime builds one context per scope it evaluates in.
 */
import type { Expr, WdlVersion } from "../syntax/ast.js";
import type { StructType, WdlType } from "../types/types.js";
import type { WdlValue } from "../values/value.js";

/**
 * The file-system hooks needed by the file functions (`read_*`, `write_*`,
 * `glob`, `size`, `stdout`, `stderr`) and by command rendering. Paths passed
 * in are WDL path values as the document sees them (a File/Directory value or
 * a String, possibly relative); paths handed back are WDL path values too.
 * Implementations throw `ValueError` (src/values/errors.ts) with a clear
 * message on failure (missing file, unreadable directory); the evaluator
 * locates it at the function call.
 *
 * `nodeFileIO(options)` (./node-io.ts) is the default implementation on plain node:fs.
 */
export interface FileIO {
  /**
   * The host path to use for the WDL path `path`: relative paths resolve against
   * the base directory (the task's work dir while evaluating task outputs, the
   * inputs' directory elsewhere); absolute paths are returned as they are.
   */
  resolve(path: string): string;
  /** The whole content of the file at `path` as UTF-8 text. */
  readText(path: string): string;
  /**
   * Writes a file holding `content` and returns its path (as a File value
   * will hold it). `nameHint` (e.g. `"write_lines"`) helps choose a readable
   * file name; the implementation chooses the directory. Names are
   * deterministic (the same content gives the same file, so reruns match)
   * and never make two different contents share a file.
   */
  writeFile(nameHint: string, content: string): string;
  /**
   * The files (not directories) matching a shell glob `pattern` relative to the
   * base directory, in lexicographic order.
   */
  glob(pattern: string): string[];
  /** Size in bytes of the file at `path`, or the total size of the files under a directory. */
  size(path: string): number;
  /** Whether anything exists at `path`. */
  exists(path: string): boolean;
  /** The task's stdout file; undefined outside task output evaluation (then `stdout()` is an error). */
  stdout(): string | undefined;
  /** The task's stderr file; undefined outside task output evaluation. */
  stderr(): string | undefined;
  /**
   * The path a task command sees for a File/Directory value (the container path
   * under Docker); the identity for local execution. Used when a File or
   * Directory is interpolated into a command.
   */
  commandPath(path: string, kind: "File" | "Directory"): string;
}

/** Everything `evaluate()` needs besides the expression. */
export interface EvalContext {
  /** The document's WDL version: gates 1.1/1.2 functions and operators, and placeholder option rules. */
  readonly version: WdlVersion;
  /**
   * The value bound to `name` in the current scope, or undefined when unbound.
   * The runtime binds declarations, scatter variables, and each call as an
   * Object value whose members are the call's outputs. As a fallback, a member
   * access `a.b` whose `a` is unbound looks up the dotted name `"a.b"`, so a
   * runtime may also bind call outputs flat as `"call.output"`.
   */
  lookup(name: string): WdlValue | undefined;
  /** The struct types visible in the document, by name (for struct literals and coercions). */
  readonly structs: ReadonlyMap<string, StructType>;
  /**
   * The static type analysis inferred for an expression, when known. Used only
   * to type values that carry no type of their own (the item type of `[]`, an
   * empty map); evaluation works without it.
   */
  typeOf?(expr: Expr): WdlType | undefined;
  /** The file-system hooks. */
  readonly io: FileIO;
}

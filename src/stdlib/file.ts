/**
 * Standard library, "File Functions" that handle paths and file attributes:
 * basename, join_paths (1.2), glob, size (with storage units), stdout and
 * stderr. The read_* and write_* functions are in ./read.ts and ./write.ts.
 * All file-system access goes through `ctx.io`.
 */
import * as path from "node:path";
import type { FileIO } from "../eval/context.js";
import type { WdlType } from "../types/types.js";
import { coerce } from "../values/coerce.js";
import { ValueError } from "../values/errors.js";
import type { WdlValue } from "../values/value.js";
import { badArg, pathArg, R, stringArg } from "./args.js";
import { fn, type StdlibFunction } from "./define.js";

/** Bytes per unit for `size`, keyed by lower-case unit (SI decimal and IEC binary). */
const UNITS: Record<string, number> = {
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  p: 1e15,
  pb: 1e15,
  ki: 1024,
  kib: 1024,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  ti: 1024 ** 4,
  tib: 1024 ** 4,
  pi: 1024 ** 5,
  pib: 1024 ** 5,
};

/** The POSIX basename of a path (trailing slashes ignored). */
export function basenameOf(p: string): string {
  let end = p.length;
  while (end > 1 && p[end - 1] === "/") end--;
  const trimmed = p.slice(0, end);
  const slash = trimmed.lastIndexOf("/");
  return slash < 0 || trimmed === "/" ? trimmed : trimmed.slice(slash + 1);
}

/** Total size in bytes of every File/Directory inside a value (None counts 0). */
function sizeOfValue(io: FileIO, v: WdlValue): number {
  switch (v.kind) {
    case "File":
    case "Directory":
      return io.size(v.value);
    case "None":
    case "Enum":
    case "Boolean":
    case "Int":
    case "Float":
    case "String":
      return 0;
    case "Array": {
      let total = 0;
      for (const x of v.items) total += sizeOfValue(io, x);
      return total;
    }
    case "Map": {
      let total = 0;
      for (const [k, x] of v.entries) total += sizeOfValue(io, k) + sizeOfValue(io, x);
      return total;
    }
    case "Pair":
      return sizeOfValue(io, v.left) + sizeOfValue(io, v.right);
    case "Struct":
    case "Object": {
      let total = 0;
      for (const x of v.members.values()) total += sizeOfValue(io, x);
      return total;
    }
  }
}

/** The value coerced to its static type when analysis knows it (and the coercion applies). */
function withStaticType(v: WdlValue, t: WdlType | undefined): WdlValue {
  if (t === undefined) return v;
  try {
    return coerce(v, t);
  } catch {
    return v;
  }
}

/**
 * The joined path, resolved against the default parent directory (the task's
 * working directory) when it is relative: the spec's join_paths returns an
 * absolute path ("<working dir>/mydir/mydata.txt").
 */
function joinPaths(parts: readonly string[], io: FileIO): string {
  if (parts.length === 0) throw new ValueError("join_paths: the array of paths must not be empty", "invalid-argument");
  parts.forEach((p, i) => {
    if (i > 0 && p.startsWith("/")) {
      throw new ValueError(`join_paths: only the first path may be absolute, but ${JSON.stringify(p)} is absolute`, "invalid-argument");
    }
  });
  const joined = path.posix.join(...parts);
  return joined.startsWith("/") ? joined : io.resolve(joined);
}

function stringItems(name: string, v: WdlValue, index: number): string[] {
  if (v.kind !== "Array") throw badArg(name, index, "an Array[String]", v);
  return v.items.map((x, i) => {
    if (x.kind === "String" || x.kind === "File" || x.kind === "Directory") return x.value;
    throw new ValueError(`${name}: element ${i} of argument ${index + 1} must be a String`, "invalid-argument", x.kind === "None");
  });
}

/** The functions of this chapter. */
export const FILE_FUNCTIONS: readonly StdlibFunction[] = [
  fn("basename", "1.0", [1, 2], (args) => {
    const name = basenameOf(pathArg("basename", args, 0));
    if (args.length < 2) return R.string(name);
    const suffix = stringArg("basename", args, 1);
    return R.string(suffix !== "" && name.endsWith(suffix) && name !== suffix ? name.slice(0, -suffix.length) : name);
  }),
  fn("join_paths", "1.2", [1, 2], (args, ctx) => {
    if (args.length === 1) {
      const parts = stringItems("join_paths", args[0]!, 0);
      return R.file(joinPaths(parts, ctx.io));
    }
    const base = pathArg("join_paths", args, 0);
    const rest = args[1]!.kind === "Array" ? stringItems("join_paths", args[1]!, 1) : [stringArg("join_paths", args, 1)];
    if (args[1]!.kind === "Array" && rest.length === 0) {
      throw new ValueError("join_paths: the array of relative paths must not be empty", "invalid-argument");
    }
    return R.file(joinPaths([base, ...rest], ctx.io));
  }),
  fn("glob", "1.0", 1, (args, ctx) => {
    const pattern = stringArg("glob", args, 0);
    // The spec's glob is relative to the task's working directory: an absolute
    // pattern or a `..` would search the host (or miss the container's files).
    if (pattern.startsWith("/") || pattern.split("/").includes("..")) {
      throw new ValueError(
        `glob: the pattern '${pattern}' leaves the task's working directory; glob patterns are relative to it (write the files there, or name them as File outputs)`,
        "invalid-argument",
      );
    }
    return {
      kind: "Array",
      items: ctx.io.glob(pattern).map((p) => R.file(p)),
      itemType: { kind: "File", optional: false },
    };
  }),
  fn("size", "1.0", [1, 2], (args, ctx, call) => {
    const v = args[0]!;
    let unit = 1;
    if (args.length === 2) {
      const u = stringArg("size", args, 1);
      const f = UNITS[u.trim().toLowerCase()];
      if (f === undefined) {
        throw new ValueError(`size: unknown unit ${JSON.stringify(u)} (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)`, "invalid-argument");
      }
      unit = f;
    }
    // A String argument is a path (String coerces to File). Strings nested in a
    // compound value are paths only when the argument's static type says so
    // (`size(["a.txt", f])` is an Array[File?]), so coerce to that type first.
    const bytes = v.kind === "String" ? ctx.io.size(v.value) : sizeOfValue(ctx.io, withStaticType(v, ctx.typeOf?.(call.args[0]!)));
    const result = bytes / unit;
    if (!Number.isFinite(result)) throw new ValueError("size: the size is too large for a Float", "float-overflow");
    return R.float(result);
  }),
  fn("stdout", "1.0", 0, (_args, ctx) => {
    const p = ctx.io.stdout();
    if (p === undefined) throw new ValueError("stdout() can only be used in a task's output section", "not-in-task-output");
    return R.file(p);
  }),
  fn("stderr", "1.0", 0, (_args, ctx) => {
    const p = ctx.io.stderr();
    if (p === undefined) throw new ValueError("stderr() can only be used in a task's output section", "not-in-task-output");
    return R.file(p);
  }),
];

/**
 * The WDL 1.3 path rules for declarations outside `output` sections: a
 * relative File or Directory path resolves against the directory of the
 * document that declares it (not the task's working directory), and the path
 * must exist when the declaration is evaluated; an optional File/Directory
 * whose path is missing becomes None. The rules hold for every File and
 * Directory in the value, at any depth (array items, map keys and values,
 * pair sides, struct members), each judged by the type it sits at: an item
 * of an `Array[File?]` whose path is missing becomes None, one of an
 * `Array[File]` fails the declaration. Outputs keep resolving against the
 * task's working directory, and are checked when they are collected.
 */
import { access } from "node:fs/promises";
import path from "node:path";
import type { WdlVersion } from "../syntax/ast.js";
import { versionAtLeast } from "../syntax/ast.js";
import type { WdlType } from "../types/types.js";
import type { WdlValue } from "../values/value.js";
import { collectPaths, mapPaths, MissingPathError } from "./value-paths.js";

/** Thrown when a required File/Directory in a declaration's value names a path that does not exist. */
export class MissingDeclaredPathError extends Error {
  constructor(
    /** The path as the document wrote it. */
    readonly written: string,
    /** Where it was looked for. */
    readonly resolved: string,
    readonly kind: "File" | "Directory",
  ) {
    super(`the ${kind === "File" ? "file" : "directory"} ${JSON.stringify(written)} does not exist (${resolved})`);
    this.name = "MissingDeclaredPathError";
  }
}

/** True when `version` has the 1.3 path rules. */
export function hasDeclaredPathRules(version: WdlVersion): boolean {
  return versionAtLeast(version, "1.3");
}

/** True when `v` holds a File or Directory anywhere (only such values need `declaredPaths`). */
export function holdsPaths(v: WdlValue): boolean {
  return collectPaths(v).length > 0;
}

/**
 * `v`, the value of a non-output declaration of type `type` in the document
 * at `documentUri`, under the 1.3 rules: every relative path resolved against
 * the document's directory, every path checked to exist (URLs are kept as
 * they are); rejects with MissingDeclaredPathError for a missing path at a
 * non-optional type.
 */
export async function declaredPaths(v: WdlValue, type: WdlType, documentUri: string): Promise<WdlValue> {
  const resolve = (p: string): string => {
    if (isUrl(p) || path.isAbsolute(p)) return p;
    return isUrl(documentUri) ? new URL(p, documentUri).href : path.resolve(path.dirname(documentUri), p);
  };
  try {
    return await mapPaths(v, type, async (p) => {
      const resolved = resolve(p);
      return isUrl(resolved) || (await exists(resolved)) ? resolved : undefined;
    });
  } catch (e) {
    if (e instanceof MissingPathError) throw new MissingDeclaredPathError(e.path, resolve(e.path), e.kind);
    throw e;
  }
}

function isUrl(p: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(p);
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

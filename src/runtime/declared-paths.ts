/**
 * The WDL 1.3 path rules for declarations outside `output` sections: a
 * relative File or Directory path resolves against the directory of the
 * document that declares it (not the task's working directory), and the path
 * must exist when the declaration is evaluated; an optional File/Directory
 * whose path is missing becomes None. Applies to declarations whose own type
 * is a File or Directory (optional or not); paths inside compound values are
 * resolved as before. Outputs keep resolving against the task's working
 * directory, and are checked when they are collected.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { WdlVersion } from "../syntax/ast.js";
import { versionAtLeast } from "../syntax/ast.js";
import type { WdlType } from "../types/types.js";
import { NONE, type WdlValue } from "../values/value.js";

/** Thrown when a required File/Directory declaration names a path that does not exist. */
export class MissingDeclaredPathError extends Error {}

/** True when `version` has the 1.3 path rules. */
export function hasDeclaredPathRules(version: WdlVersion): boolean {
  return versionAtLeast(version, "1.3");
}

/** `v`, the value of a non-output declaration of type `type` in a document at `documentUri`, under the 1.3 rules. */
export function declaredPath(v: WdlValue, type: WdlType, documentUri: string): WdlValue {
  if (v.kind !== "File" && v.kind !== "Directory") return v;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(v.value)) return v;
  const resolved = path.isAbsolute(v.value) ? v.value : path.resolve(path.dirname(documentUri), v.value);
  if (existsSync(resolved)) return { kind: v.kind, value: resolved };
  if (type.optional) return NONE;
  throw new MissingDeclaredPathError(`the ${v.kind === "File" ? "file" : "directory"} ${JSON.stringify(v.value)} does not exist (${resolved})`);
}

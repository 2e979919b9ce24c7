/**
 * Which versions a document may import (WDL 1.3, "Imports"): a document may
 * import one of the same major version and a lower or equal minor version.
 * Before 1.3 the versions had to match; wdlrun has always read a mismatch
 * between 1.0–1.2 documents with a warning, and keeps doing so. A document
 * that imports a newer one it cannot read (1.2 importing 1.3) is an error.
 * Each document is checked and run by its own version's rules either way.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Span } from "../diagnostics/span.js";
import type { WdlVersion } from "../syntax/ast.js";
import { versionAtLeast } from "../syntax/ast.js";
import * as msg from "./messages.js";

/** The finding on an import of a `theirs` document into an `own` document, if any. */
export function importVersionFinding(span: Span, own: WdlVersion, theirs: WdlVersion): Diagnostic | undefined {
  if (own === theirs) return undefined;
  if (versionAtLeast(own, theirs)) return importsOlderAllowed(own) ? undefined : msg.importVersionMismatch(span, own, theirs);
  return importsNewerAllowed(theirs) ? msg.importVersionMismatch(span, own, theirs) : msg.importVersionNewer(span, own, theirs);
}

/** From 1.3 on, a document may import any older 1.x document without a finding. */
function importsOlderAllowed(own: WdlVersion): boolean {
  return versionAtLeast(own, "1.3");
}

/** A newer import is tolerated (with a warning) only among 1.0–1.2, as wdlrun always did; a 1.3 import needs a 1.3 importer. */
function importsNewerAllowed(theirs: WdlVersion): boolean {
  return !versionAtLeast(theirs, "1.3");
}

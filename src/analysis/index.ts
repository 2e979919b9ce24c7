/**
 * The public face of static analysis. Everything evaluation, the runtime and
 * the CLI need from analysis is exported here:
 *
 * - `analyzeFile(path)` loads a document and its imports (relative to the
 *   importing file), parses and checks them all, and returns every
 *   diagnostic sorted by file and position, plus the checked root document.
 * - `analyzeFiles(paths)` does it for many documents at once (a repository),
 *   each imported document read and checked once, diagnostics by file.
 * - `checkSource(text)` does the same for an in-memory document (tests).
 * - The checked model (`CheckedDocument`, `CheckedTask`, `CheckedWorkflow`,
 *   `CheckedCall`, `WorkflowGraph`, …) is defined in ./model.ts.
 * - `inputSlots(target)` lists the fully qualified input keys a run accepts.
 * - The reserved requirement/hint keys with their aliases and accepted types
 *   (`REQUIREMENT_KEYS`, `reservedKey`), and the hidden `task` variable's type.
 *
 * Analysis never throws on user mistakes: they become diagnostics. A root is
 * returned whenever the root document parsed at all, even with errors, so
 * tools can still inspect it; the runtime must refuse to run when
 * `hasErrors(analysis.diagnostics)`.
 */
import { applyStrict, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { CheckedDocument } from "./model.js";
export { inputSlots, inputsTemplate, type InputSlot } from "./inputs.js";
export { checkParsed, resolveImportUri, sortDiagnostics } from "./loader.js";
export { importNamespace } from "./document.js";
export { TASK_VARIABLE_TYPE } from "./task.js";
export { REQUIREMENT_KEYS, TASK_HINT_KEYS, WORKFLOW_HINT_KEYS, reservedKey, type ReservedKey } from "./requirements.js";
import { loadAndCheck, loadAndCheckAll, loadAndCheckSync } from "./loader.js";

export type {
  Binding,
  Callable,
  CheckedCall,
  CheckedDocument,
  CheckedTask,
  CheckedWorkflow,
  GraphNode,
  InputInfo,
  OutputInfo,
  WorkflowGraph,
} from "./model.js";

/** Reads the text of a document given its absolute path or URL; rejects when it cannot. */
export type SourceReader = (uri: string) => Promise<string>;

/** Options of `analyzeFile`. */
export interface AnalyzeOptions {
  /**
   * Reads documents (the root and every import). Defaults to reading local
   * files (and `http(s)://` URLs with fetch). Tests pass an in-memory reader.
   */
  readonly readFile?: SourceReader;
  /**
   * `--strict`: leniency warnings (constructs the spec forbids that other
   * engines accept, see syntax/leniencies.ts) become errors.
   */
  readonly strict?: boolean;
}

/** The result of analysing a document and everything it imports. */
export interface Analysis {
  /** The checked root document; undefined only when it could not be read or parsed at all. */
  readonly root: CheckedDocument | undefined;
  /** Every diagnostic of every document (syntax and analysis), sorted by file, then position. */
  readonly diagnostics: Diagnostic[];
  /** The text of every document read, by uri (for code frames). */
  readonly sources: Map<string, string>;
  /** Every checked document, by uri (the root and its transitive imports). */
  readonly documents: Map<string, CheckedDocument>;
}

/**
 * Loads, parses and checks the document at `path` (made absolute against the
 * current directory) and, transitively, its imports. Imports are resolved
 * relative to the importing document; missing files, cycles and namespace
 * collisions are reported at the import statement.
 */
export async function analyzeFile(path: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  return strictly(await loadAndCheck(path, options.readFile), options.strict);
}

/** The analysis with its leniency warnings made errors when `strict`. */
function strictly(analysis: Analysis, strict: boolean | undefined): Analysis {
  return strict ? { ...analysis, diagnostics: applyStrict(analysis.diagnostics) } : analysis;
}

/** The result of analysing several documents in one call (`analyzeFiles`). */
export interface MultiAnalysis {
  /** Each root's checked document, by uri; undefined when it could not be read or parsed at all. */
  readonly roots: Map<string, CheckedDocument | undefined>;
  /** Every diagnostic of every document, sorted by file, then position. */
  readonly diagnostics: Diagnostic[];
  /** The diagnostics by the file they are in: every document read (roots and imports) and every unreadable root. */
  readonly byFile: Map<string, Diagnostic[]>;
  /** The text of every document read, by uri. */
  readonly sources: Map<string, string>;
  /** Every checked document, by uri. */
  readonly documents: Map<string, CheckedDocument>;
}

/**
 * Like `analyzeFile` for many documents at once: each document (a root, or
 * one imported by several) is read, parsed and checked once for the call.
 */
export async function analyzeFiles(paths: readonly string[], options: AnalyzeOptions = {}): Promise<MultiAnalysis> {
  const analysis = await loadAndCheckAll(paths, options.readFile);
  if (!options.strict) return analysis;
  const byFile = new Map([...analysis.byFile].map(([uri, list]) => [uri, applyStrict(list)] as const));
  return { ...analysis, diagnostics: applyStrict(analysis.diagnostics), byFile };
}

/**
 * Checks an in-memory document. Imports are looked up (by uri resolved
 * relative to `uri`) in `files`; anything else is reported as not found.
 * Synchronous, for tests and editors.
 */
export function checkSource(
  text: string,
  uri = "/inline.wdl",
  files: ReadonlyMap<string, string> | Record<string, string> = {},
  options: { readonly strict?: boolean } = {},
): Analysis {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return strictly(loadAndCheckSync(uri, text, map), options.strict);
}

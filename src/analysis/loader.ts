/**
 * Loads a document and, transitively, its imports (each resolved relative to
 * the importing document), parses them, and checks them bottom-up so that a
 * document is checked after everything it imports. Missing files and import
 * cycles are reported at the import statement; a document imported twice is
 * read, parsed and checked once. Reading is the only asynchronous step: the
 * sync and async entry points share everything else.
 */
import { readFileSync, statSync, type Stats } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { error, type Diagnostic } from "../diagnostics/diagnostic.js";
import { compareSpans } from "../diagnostics/span.js";
import type { Document } from "../syntax/ast.js";
import { parseDocument } from "../syntax/parse.js";
import { checkDocument, type ImportOutcome } from "./document.js";
import { httpImportReader } from "./http-import.js";
import type { Analysis, MultiAnalysis } from "./index.js";
import * as msg from "./messages.js";
import type { CheckedDocument } from "./model.js";

/** Resolves an import URI against the importing document's URI. */
export function resolveImportUri(importer: string, uri: string): string {
  if (/^https?:\/\//.test(uri)) return uri;
  if (uri.startsWith("file://")) return fileURLToPath(uri);
  if (/^https?:\/\//.test(importer)) return new URL(uri, importer).toString();
  return isAbsolute(uri) ? uri : resolve(dirname(importer), uri);
}

/** This process's reader of http(s) imports: each URL fetched once (see ./http-import.ts). */
const httpImports = httpImportReader();

/**
 * Reads local files as UTF-8 and http(s) URLs over HTTP (once per URL, with a
 * timeout). A document must be a regular file: a named pipe without a writer
 * would block the read (and the process's exit) for good, and a device such
 * as /dev/zero never ends. Read synchronously: a document is small and
 * usually cached, and the promise-based reader costs several times the CPU
 * (about 0.1 s for the 150 documents of a repository).
 */
export async function defaultReader(uri: string): Promise<string> {
  if (/^https?:\/\//.test(uri)) return httpImports(uri);
  const kind = specialFileKind(uri);
  if (kind !== undefined) throw new Error(`it is ${kind}, not a regular file: WDL documents are read from files`);
  return readFileSync(uri, "utf8");
}

/** What `file` is when it exists and is neither a regular file nor a directory (which the read reports itself). */
function specialFileKind(file: string): string | undefined {
  let st: Stats;
  try {
    st = statSync(file);
  } catch {
    return undefined; // the read says why
  }
  if (st.isFile() || st.isDirectory()) return undefined;
  if (st.isFIFO()) return "a named pipe";
  if (st.isSocket()) return "a socket";
  return "a device";
}

/** The set of documents reachable from a root, filled in rounds of reads. */
class DocumentSet {
  readonly sources = new Map<string, string>();
  readonly readErrors = new Map<string, string>();
  readonly parsed = new Map<string, Document | undefined>();
  readonly diagnostics: Diagnostic[] = [];
  /** The diagnostics (without span) of roots that could not be read, with the root's uri. */
  readonly unreadRoots = new Map<Diagnostic, string>();

  /** Stores a read result. */
  add(uri: string, text: string | Error): void {
    if (typeof text === "string") this.sources.set(uri, text);
    else this.readErrors.set(uri, readReason(text));
  }

  /** Parses what was read and returns the URIs its imports need that were not read yet. */
  missing(): string[] {
    const out = new Set<string>();
    for (const [uri, text] of this.sources) {
      if (this.parsed.has(uri)) continue;
      const { document, diagnostics } = parseDocument(text, uri);
      this.parsed.set(uri, document);
      this.diagnostics.push(...diagnostics);
      for (const imp of document?.imports ?? []) {
        const target = resolveImportUri(uri, imp.uri);
        if (!this.sources.has(target) && !this.readErrors.has(target)) out.add(target);
      }
    }
    return [...out];
  }

  /** Checks every document reachable from the root, imports first. */
  check(root: string): Analysis {
    const { roots, documents } = this.checkAll([root]);
    return { root: roots.get(root), diagnostics: sortDiagnostics(this.diagnostics), sources: this.sources, documents };
  }

  /**
   * Checks every document reachable from the roots, imports first, each
   * document once however many roots import it. A root that could not be
   * read gets a diagnostic without span, recorded in `unreadRoots`.
   */
  checkAll(rootUris: readonly string[]): { roots: Map<string, CheckedDocument | undefined>; documents: Map<string, CheckedDocument> } {
    const documents = new Map<string, CheckedDocument>();
    const onStack: string[] = [];
    const visit = (uri: string): CheckedDocument | undefined => {
      const done = documents.get(uri);
      if (done) return done;
      const doc = this.parsed.get(uri);
      if (!doc) return undefined;
      onStack.push(uri);
      const outcomes: ImportOutcome[] = [];
      for (const decl of doc.imports) {
        const target = resolveImportUri(uri, decl.uri);
        const reason = this.readErrors.get(target);
        if (reason !== undefined) {
          this.diagnostics.push(msg.importNotFound(decl.uriSpan, decl.uri, reason));
          outcomes.push({ decl, document: undefined });
          continue;
        }
        const at = onStack.indexOf(target);
        if (at >= 0) {
          this.diagnostics.push(msg.importCycle(decl.uriSpan, [...onStack.slice(at), target].map(shortName)));
          outcomes.push({ decl, document: undefined });
          continue;
        }
        outcomes.push({ decl, document: visit(target) });
      }
      onStack.pop();
      const checked = checkDocument(doc, outcomes, this.diagnostics);
      documents.set(uri, checked);
      return checked;
    };
    const roots = new Map<string, CheckedDocument | undefined>();
    for (const root of rootUris) {
      if (roots.has(root)) continue;
      const rootError = this.readErrors.get(root);
      if (rootError !== undefined) {
        const d = error("read-error", `cannot read \`${root}\`: ${rootError}`);
        this.diagnostics.push(d);
        this.unreadRoots.set(d, root);
      }
      roots.set(root, visit(root));
    }
    return { roots, documents };
  }

  /** Each diagnostic by the file it is in (its span's, or the unreadable root's), each list sorted. */
  byFile(): Map<string, Diagnostic[]> {
    const out = new Map<string, Diagnostic[]>();
    for (const uri of [...this.sources.keys(), ...this.unreadRoots.values()]) out.set(uri, []);
    for (const d of sortDiagnostics(this.diagnostics)) {
      const file = d.span?.uri ?? this.unreadRoots.get(d);
      if (file !== undefined) (out.get(file) ?? out.set(file, []).get(file)!).push(d);
    }
    return out;
  }
}

function shortName(uri: string): string {
  return uri.slice(uri.lastIndexOf("/") + 1);
}

function readReason(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return e.message;
}

/** Sorts diagnostics by file, then position; diagnostics without a span come first. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const sa = a.d.span;
      const sb = b.d.span;
      if (!sa || !sb) return sa ? 1 : sb ? -1 : a.i - b.i;
      return compareSpans(sa, sb) || a.i - b.i;
    })
    .map((x) => x.d);
}

/** Reads, parses and checks the document at `path` and its imports. */
export async function loadAndCheck(path: string, reader: (uri: string) => Promise<string> = defaultReader): Promise<Analysis> {
  const root = rootUri(path);
  return (await readAll([root], reader)).check(root);
}

/** Reads, parses and checks the documents at `paths` and their imports, each document once. */
export async function loadAndCheckAll(paths: readonly string[], reader: (uri: string) => Promise<string> = defaultReader): Promise<MultiAnalysis> {
  const rootUris = paths.map(rootUri);
  const set = await readAll(rootUris, reader);
  const { roots, documents } = set.checkAll(rootUris);
  return { roots, documents, sources: set.sources, diagnostics: sortDiagnostics(set.diagnostics), byFile: set.byFile() };
}

function rootUri(path: string): string {
  return /^https?:\/\//.test(path) ? path : resolve(path);
}

/** Reads the roots and, in rounds, every document they import (each once); parses what it reads. */
async function readAll(roots: readonly string[], reader: (uri: string) => Promise<string>): Promise<DocumentSet> {
  const set = new DocumentSet();
  const read = async (uri: string): Promise<void> => {
    try {
      set.add(uri, await reader(uri));
    } catch (e) {
      set.add(uri, e instanceof Error ? e : new Error(String(e)));
    }
  };
  await Promise.all([...new Set(roots)].map(read));
  for (let missing = set.missing(); missing.length; missing = set.missing()) await Promise.all(missing.map(read));
  return set;
}

/**
 * Checks a document that is already parsed (a tool that parsed it itself,
 * or the parse/check benchmark); its imports are reported as not found.
 */
export function checkParsed(uri: string, text: string, parsed: { document: Document | undefined; diagnostics: Diagnostic[] }): Analysis {
  const set = new DocumentSet();
  set.sources.set(uri, text);
  set.parsed.set(uri, parsed.document);
  set.diagnostics.push(...parsed.diagnostics);
  for (const m of set.missing()) set.add(m, Object.assign(new Error("no such file"), { code: "ENOENT" }));
  return set.check(uri);
}

/** Parses and checks an in-memory document; imports come from `files` (keys resolved like import URIs). */
export function loadAndCheckSync(uri: string, text: string, files: ReadonlyMap<string, string>): Analysis {
  const set = new DocumentSet();
  const byUri = new Map<string, string>();
  for (const [k, v] of files) byUri.set(/^https?:\/\//.test(k) || isAbsolute(k) ? k : resolveImportUri(uri, k), v);
  set.add(uri, text);
  for (let missing = set.missing(); missing.length; missing = set.missing()) {
    for (const m of missing) {
      const t = byUri.get(m);
      set.add(m, t ?? Object.assign(new Error("no such file"), { code: "ENOENT" }));
    }
  }
  return set.check(uri);
}

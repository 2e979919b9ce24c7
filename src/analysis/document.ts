/**
 * Checks one parsed document whose imports are already checked: import
 * namespaces, structs, document-level names, every task and the workflow;
 * and assembles the CheckedDocument with its lookups.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Span } from "../diagnostics/span.js";
import type { Document, ImportDecl } from "../syntax/ast.js";
import { T } from "../types/types.js";
import { DocumentContext } from "./context.js";
import { literalType } from "./expressions.js";
import { importVersionFinding } from "./import-versions.js";
import { declareEnums } from "./enums.js";
import * as msg from "./messages.js";
import type { Callable, CheckedDocument, CheckedTask, CheckedWorkflow } from "./model.js";
import { resolveStructs, type ResolvedImport } from "./structs.js";
import { checkTask } from "./task.js";
import { checkWorkflow } from "./workflow.js";

/** An import of the document and what it loaded (undefined when it failed; the failure is already reported). */
export interface ImportOutcome {
  readonly decl: ImportDecl;
  readonly document: CheckedDocument | undefined;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

/** The namespace an import is known by: its `as` name, else the file's base name without `.wdl`. */
export function importNamespace(decl: ImportDecl): { name: string; span: Span } {
  if (decl.namespace) return { name: decl.namespace.name, span: decl.namespace.span };
  const path = decl.uri.replace(/[?#].*$/, "");
  const base = path.slice(path.lastIndexOf("/") + 1);
  return { name: base.endsWith(".wdl") ? base.slice(0, -4) : base, span: decl.uriSpan };
}

/** Checks `doc`, appending its diagnostics to `diagnostics`. */
export function checkDocument(doc: Document, imports: readonly ImportOutcome[], diagnostics: Diagnostic[]): CheckedDocument {
  const ctx = new DocumentContext(doc, diagnostics);
  const resolved: ResolvedImport[] = [];
  const broken = new Set<string>();
  const nsSpans = new Map<string, Span>();
  for (const imp of imports) {
    const ns = importNamespace(imp.decl);
    if (!IDENTIFIER.test(ns.name)) {
      ctx.report(msg.importNamespaceInvalid(ns.span, ns.name));
      continue;
    }
    const first = nsSpans.get(ns.name);
    if (first) {
      ctx.report(msg.duplicateNamespace(ns.span, ns.name, first));
      continue;
    }
    nsSpans.set(ns.name, ns.span);
    if (!imp.document) {
      broken.add(ns.name);
      continue;
    }
    const versionFinding = importVersionFinding(imp.decl.uriSpan, doc.version, imp.document.version);
    if (versionFinding) ctx.report(versionFinding);
    ctx.namespaces.set(ns.name, imp.document);
    resolved.push({ decl: imp.decl, namespace: ns.name, document: imp.document });
  }
  const completeEnums = declareEnums(ctx, resolved);
  resolveStructs(ctx, resolved);
  completeEnums();

  // Document-level names: tasks, the workflow and namespaces share one namespace.
  let self: CheckedDocument | undefined;
  const getSelf = (): CheckedDocument => self!;
  const tasks = new Map<string, CheckedTask>();
  const taskSpans = new Map<string, Span>();
  for (const t of doc.tasks) {
    const name = t.name.name;
    const first = taskSpans.get(name);
    if (first) ctx.report(msg.duplicateName(t.name.span, "task", name, first));
    else if (nsSpans.has(name)) ctx.report(msg.nameClash(t.name.span, name, "task", "an import namespace", nsSpans.get(name)));
    const checked = checkTask(ctx, t, getSelf);
    if (!first) {
      taskSpans.set(name, t.name.span);
      tasks.set(name, checked);
    }
  }
  let workflow: CheckedWorkflow | undefined;
  if (doc.workflow) {
    const name = doc.workflow.name.name;
    if (taskSpans.has(name)) ctx.report(msg.nameClash(doc.workflow.name.span, name, "workflow", "a task", taskSpans.get(name)));
    else if (nsSpans.has(name)) ctx.report(msg.nameClash(doc.workflow.name.span, name, "workflow", "an import namespace", nsSpans.get(name)));
    workflow = checkWorkflow(ctx, doc.workflow, tasks as ReadonlyMap<string, Callable>, broken, getSelf);
  }

  self = {
    uri: doc.uri,
    document: doc,
    version: doc.version,
    namespaces: ctx.namespaces,
    structs: ctx.structs,
    enums: ctx.enums,
    tasks,
    workflow,
    resolveType: (te) => ctx.resolveType(te),
    declType: (d) => ctx.declTypes.get(d) ?? ctx.resolveType(d.type),
    // A name's type is that of the scope entry it resolved to (a name that did not resolve, or a call used as a value, is Any).
    typeOf: (e) => (e.kind === "NameRef" ? ctx.names.get(e)?.type : (literalType(e) ?? ctx.types.get(e))) ?? T.Any,
    bindingOf: (r) => ctx.names.get(r)?.binding,
    callOf: (c) => ctx.calls.get(c),
  };
  return self;
}

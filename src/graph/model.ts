/**
 * The picture model of a workflow: its inputs, calls, scatters and
 * conditionals (as nested groups), outputs, and the dependencies between
 * them, as plain JSON-able data. Every renderer (Mermaid, DOT, the laid-out
 * SVG, the run report) draws from this model; runs store it in their run
 * directory (`run.json`) so that a report can be rebuilt without the
 * document.
 *
 * Private declarations are not drawn: a dependency through one (a call that
 * reads `x`, where `x = other.out`) becomes an edge from what the
 * declaration reads (`other`) to the reader.
 */
import type { Callable, CheckedWorkflow, GraphNode } from "../analysis/index.js";
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import type { Span } from "../diagnostics/span.js";
import type { Declaration, WorkflowElement } from "../syntax/ast.js";
import { typeToString } from "../types/types.js";
import { safeSegment } from "../runtime/run-dir.js";
import type { StoredLayout } from "./layout.js";

/** One thing drawn. Ids are unique within a GraphModel (and its sub-workflow bodies carry their own). */
export type GraphItem =
  | { readonly kind: "input"; readonly id: string; readonly name: string; readonly type: string }
  | { readonly kind: "output"; readonly id: string; readonly name: string; readonly type: string }
  | {
      readonly kind: "call";
      readonly id: string;
      /** The call's name (its alias, else the callee's name). */
      readonly name: string;
      /** The callee as written (`ns.task`). */
      readonly callee: string;
      /** The directory name of the call without scatter indexes (`call-align`): runs match calls by it. */
      readonly dirName: string;
      /** For a call of a workflow: that workflow's own picture. */
      readonly body?: GraphModel;
    }
  | { readonly kind: "scatter" | "conditional"; readonly id: string; readonly label: string; readonly children: readonly GraphItem[] };

/** A dependency: `from` must finish (or be known) before `to`. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
}

/** The picture of one workflow or task. */
export interface GraphModel {
  readonly name: string;
  readonly kind: "workflow" | "task";
  /** Top-level items: inputs, body elements, outputs (groups hold their own). */
  readonly items: readonly GraphItem[];
  /** Each edge once, between items of any depth. */
  readonly edges: readonly GraphEdge[];
  /** Its collapsed layout, when stored with it (see layout.ts `withStoredLayouts`). */
  readonly layout?: StoredLayout;
}

/** Reads the source text of a document (for scatter and condition labels). */
export type SourceText = (uri: string) => string | undefined;

/** The picture of `target`. */
export function graphModel(target: Callable, source: SourceText): GraphModel {
  return target.kind === "task" ? taskModel(target.name, target) : workflowModel(target, source, new Set());
}

function taskModel(name: string, task: Callable): GraphModel {
  const items: GraphItem[] = [];
  const edges: GraphEdge[] = [];
  const callId = "call";
  for (const i of task.inputs) {
    items.push({ kind: "input", id: `in:${i.name}`, name: i.name, type: typeToString(i.type) });
    edges.push({ from: `in:${i.name}`, to: callId });
  }
  items.push({ kind: "call", id: callId, name, callee: name, dirName: `call-${safeSegment(name)}` });
  for (const o of task.outputs) {
    items.push({ kind: "output", id: `out:${o.name}`, name: o.name, type: typeToString(o.type) });
    edges.push({ from: callId, to: `out:${o.name}` });
  }
  return { name, kind: "task", items, edges };
}

function workflowModel(wf: CheckedWorkflow, source: SourceText, visiting: Set<CheckedWorkflow>): GraphModel {
  visiting.add(wf);
  const doc = wf.document;
  const ids = new Map<GraphNode, string>();
  const inputDecls = new Set<Declaration>(wf.def.inputs?.declarations ?? []);
  const outputDecls = new Set<Declaration>(wf.def.outputs?.declarations ?? []);
  let counter = 0;
  const idOf = (n: GraphNode): string | undefined => {
    if (n.kind === "Declaration" && !inputDecls.has(n) && !outputDecls.has(n)) return undefined;
    let id = ids.get(n);
    if (id === undefined) {
      id = n.kind === "Declaration" ? `${inputDecls.has(n) ? "in" : "out"}:${n.name.name}` : `n${counter++}`;
      ids.set(n, id);
    }
    return id;
  };

  const items: GraphItem[] = [];
  for (const d of wf.def.inputs?.declarations ?? [])
    items.push({ kind: "input", id: idOf(d)!, name: d.name.name, type: typeToString(doc.declType(d)) });
  const element = (e: WorkflowElement): GraphItem | undefined => {
    switch (e.kind) {
      case "Declaration":
        return undefined;
      case "Call": {
        const call = doc.callOf(e);
        const name = call?.name ?? e.alias?.name ?? e.target[e.target.length - 1]!.name;
        const callee = call?.callee;
        const body = callee?.kind === "workflow" && !visiting.has(callee) ? workflowModel(callee, source, visiting) : undefined;
        return {
          kind: "call",
          id: idOf(e)!,
          name,
          callee: e.target.map((t) => t.name).join("."),
          dirName: `call-${safeSegment(name)}`,
          ...(body ? { body } : {}),
        };
      }
      case "Scatter":
        return {
          kind: "scatter",
          id: idOf(e)!,
          label: `scatter ${e.variable.name} in ${excerpt(source, e.expr.span)}`,
          children: elements(e.body),
        };
      case "Conditional":
        return { kind: "conditional", id: idOf(e)!, label: `if ${excerpt(source, e.condition.span)}`, children: elements(e.body) };
      default:
        return assertUnreachable(e);
    }
  };
  const elements = (body: readonly WorkflowElement[]): GraphItem[] => body.map(element).filter((i): i is GraphItem => i !== undefined);
  items.push(...elements(wf.def.body));
  for (const d of wf.def.outputs?.declarations ?? [])
    items.push({ kind: "output", id: idOf(d)!, name: d.name.name, type: typeToString(doc.declType(d)) });
  visiting.delete(wf);
  return { name: wf.name, kind: "workflow", items, edges: workflowEdges(wf, idOf) };
}

/** Edges between drawn nodes, passing through private declarations, without edges into a node's own group. */
function workflowEdges(wf: CheckedWorkflow, idOf: (n: GraphNode) => string | undefined): GraphEdge[] {
  const g = wf.graph;
  // What each private declaration stands for: the drawn nodes it reads, transitively.
  const through = new Map<GraphNode, readonly GraphNode[]>();
  const sources = (n: GraphNode, seen: Set<GraphNode>): readonly GraphNode[] => {
    if (idOf(n) !== undefined) return [n];
    const known = through.get(n);
    if (known) return known;
    if (seen.has(n)) return [];
    seen.add(n);
    const out = new Set<GraphNode>();
    for (const d of g.dependencies.get(n) ?? []) for (const s of sources(d, seen)) out.add(s);
    const list = [...out];
    through.set(n, list);
    return list;
  };
  const ancestors = (n: GraphNode): Set<GraphNode> => {
    const out = new Set<GraphNode>();
    for (let p = g.parent.get(n); p !== undefined; p = g.parent.get(p)) out.add(p);
    return out;
  };
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  for (const n of g.nodes) {
    const to = idOf(n);
    if (to === undefined) continue;
    const skip = ancestors(n);
    for (const d of g.dependencies.get(n) ?? []) {
      for (const s of sources(d, new Set())) {
        if (skip.has(s) || s === n) continue;
        const from = idOf(s)!;
        const key = `${from}\u0000${to}`;
        if (seen.has(key)) continue;
        seen.add(key);
        edges.push({ from, to });
      }
    }
  }
  return edges;
}

/** The source text of a span on one line, shortened to 40 characters. */
function excerpt(source: SourceText, span: Span): string {
  const text = source(span.uri)?.slice(span.start.offset, span.end.offset).replace(/\s+/g, " ").trim() ?? "…";
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** Every item of `items`, groups and their children, depth first. */
export function* allItems(items: readonly GraphItem[]): Generator<GraphItem> {
  for (const i of items) {
    yield i;
    if (i.kind === "scatter" || i.kind === "conditional") yield* allItems(i.children);
  }
}

/** The document's source reader from an analysis' `sources` map. */
export function sourcesOf(sources: ReadonlyMap<string, string>): SourceText {
  return (uri) => sources.get(uri);
}

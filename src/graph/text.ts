/**
 * The workflow picture as text a user pastes into their docs: Mermaid
 * (`flowchart TD`, scatters, conditionals and sub-workflows as subgraphs)
 * and Graphviz DOT (the same as clusters). Sub-workflows are drawn inline;
 * their items' ids are prefixed with the calling node's id so they stay
 * unique.
 */
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import type { GraphEdge, GraphItem, GraphModel } from "./model.js";

/** A model with every sub-workflow inlined: items nest, ids are globally unique. */
interface Flat {
  readonly items: readonly FlatItem[];
  readonly edges: readonly GraphEdge[];
}
type FlatItem =
  | { readonly kind: "leaf"; readonly id: string; readonly label: string; readonly shape: "input" | "output" | "call" }
  | { readonly kind: "group"; readonly id: string; readonly label: string; readonly style: "scatter" | "conditional" | "workflow"; readonly children: readonly FlatItem[] };

/** Inlines sub-workflow bodies (ids made safe for both languages: letters, digits, `_`). */
function flatten(model: GraphModel): Flat {
  const edges: GraphEdge[] = [];
  const walk = (m: GraphModel, prefix: string): FlatItem[] => {
    const id = (raw: string) => prefix + raw.replace(/[^A-Za-z0-9]/g, "_");
    for (const e of m.edges) edges.push({ from: id(e.from), to: id(e.to) });
    const item = (i: GraphItem): FlatItem => {
      switch (i.kind) {
        case "input":
          return { kind: "leaf", id: id(i.id), label: `${i.name}: ${i.type}`, shape: "input" };
        case "output":
          return { kind: "leaf", id: id(i.id), label: `${i.name}: ${i.type}`, shape: "output" };
        case "call":
          if (i.body)
            return { kind: "group", id: id(i.id), label: `${i.name} (workflow ${i.callee})`, style: "workflow", children: walk(i.body, `${id(i.id)}_`) };
          return { kind: "leaf", id: id(i.id), label: i.name === i.callee ? i.name : `${i.name} (${i.callee})`, shape: "call" };
        case "scatter":
        case "conditional":
          return { kind: "group", id: id(i.id), label: i.label, style: i.kind, children: i.children.map(item) };
        default:
          return assertUnreachable(i);
      }
    };
    return m.items.map(item);
  };
  const items = walk(model, "");
  return { items, edges };
}

/** Mermaid `flowchart TD` source for the model. */
export function toMermaid(model: GraphModel): string {
  const flat = flatten(model);
  const lines = ["flowchart TD"];
  const q = (s: string) => `"${s.replace(/"/g, "#quot;").replace(/[<>]/g, (c) => (c === "<" ? "#lt;" : "#gt;"))}"`;
  const emit = (items: readonly FlatItem[], indent: string) => {
    for (const i of items) {
      if (i.kind === "group") {
        lines.push(`${indent}subgraph ${i.id}[${q(i.label)}]`);
        emit(i.children, indent + "  ");
        lines.push(`${indent}end`);
        continue;
      }
      const label = q(i.label);
      lines.push(`${indent}${i.id}${i.shape === "input" ? `[/${label}/]` : i.shape === "output" ? `[\\${label}\\]` : `(${label})`}`);
    }
  };
  emit(flat.items, "  ");
  for (const e of flat.edges) lines.push(`  ${e.from} --> ${e.to}`);
  lines.push("  classDef input fill:#eef6ff,stroke:#4a7ab5", "  classDef output fill:#f3fff0,stroke:#4b8f3a");
  const leaves = (items: readonly FlatItem[], shape: string): string[] =>
    items.flatMap((i) => (i.kind === "group" ? leaves(i.children, shape) : i.shape === shape ? [i.id] : []));
  for (const shape of ["input", "output"]) {
    const ids = leaves(flat.items, shape);
    if (ids.length > 0) lines.push(`  class ${ids.join(",")} ${shape}`);
  }
  return lines.join("\n") + "\n";
}

/** Graphviz DOT source for the model (groups as clusters; `compound=true` for edges to a group). */
export function toDot(model: GraphModel): string {
  const flat = flatten(model);
  const q = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  const lines = [
    `digraph ${q(model.name)} {`,
    "  rankdir=TB; compound=true;",
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];',
    '  edge [color="#666666"];',
  ];
  // Edges to a group attach to an invisible point inside it (DOT edges join nodes only).
  const groups = new Set<string>();
  const emit = (items: readonly FlatItem[], indent: string) => {
    for (const i of items) {
      if (i.kind === "group") {
        groups.add(i.id);
        lines.push(`${indent}subgraph cluster_${i.id} {`);
        lines.push(`${indent}  label=${q(i.label)}; style="rounded,dashed"; color="${i.style === "scatter" ? "#4a7ab5" : i.style === "conditional" ? "#b58a4a" : "#7a4ab5"}";`);
        lines.push(`${indent}  ${i.id} [shape=point, style=invis, width=0, height=0, label=""];`);
        emit(i.children, indent + "  ");
        lines.push(`${indent}}`);
        continue;
      }
      const attrs =
        i.shape === "input"
          ? `shape=parallelogram, fillcolor="#eef6ff"`
          : i.shape === "output"
            ? `shape=invhouse, fillcolor="#f3fff0"`
            : `fillcolor="#fff8e6"`;
      lines.push(`${indent}${i.id} [label=${q(i.label)}, ${attrs}];`);
    }
  };
  emit(flat.items, "  ");
  for (const e of flat.edges) {
    const extra = [groups.has(e.from) ? `ltail=cluster_${e.from}` : "", groups.has(e.to) ? `lhead=cluster_${e.to}` : ""].filter((s) => s !== "");
    lines.push(`  ${e.from} -> ${e.to}${extra.length > 0 ? ` [${extra.join(", ")}]` : ""};`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

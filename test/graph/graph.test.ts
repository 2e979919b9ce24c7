/**
 * The workflow picture: the model (groups nest, dependencies pass through
 * private declarations, sub-workflows carry their own picture), the Mermaid
 * and DOT text, and ELK's layout (children inside their group's box).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyzeFile, checkSource } from "../../src/analysis/index.js";
import { layoutModel } from "../../src/graph/layout.js";
import { graphModel, sourcesOf, type GraphModel } from "../../src/graph/model.js";
import { renderSvg } from "../../src/graph/svg.js";
import { toDot, toMermaid } from "../../src/graph/text.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

async function pipeline(): Promise<GraphModel> {
  const a = await analyzeFile(path.join(root, "examples/pipeline/pipeline.wdl"));
  return graphModel(a.root!.workflow!, sourcesOf(a.sources));
}

const THROUGH = `version 1.1
task t { input { Int x } command <<< echo ~{x} >>> output { Int y = 1 } }
workflow w {
  input { Int n }
  call t as a { input: x = n }
  Int doubled = a.y * 2
  if (doubled > 1) { call t as b { input: x = doubled } }
  output { Int? r = b.y }
}
`;

describe("graph model", () => {
  it("nests the scatter, the conditional and the sub-workflow's own picture", async () => {
    const m = await pipeline();
    expect(m.items.map((i) => i.kind)).toEqual(["input", "input", "scatter", "conditional", "output", "output", "output"]);
    const scatter = m.items[2]!;
    expect(scatter.kind === "scatter" && scatter.label).toBe("scatter size in sizes");
    const stats = scatter.kind === "scatter" ? scatter.children[0]! : undefined;
    expect(stats?.kind === "call" && stats.body?.items.map((i) => i.kind)).toEqual(["input", "call", "call", "output", "output"]);
    expect(m.edges).toContainEqual({ from: "in:sizes", to: scatter.id });
  });

  it("draws no private declaration: a dependency through one joins what it reads to its reader", () => {
    const { root: document } = checkSource(THROUGH);
    const m = graphModel(document!.workflow!, () => THROUGH);
    const a = m.items.find((i) => i.kind === "call")!;
    const cond = m.items.find((i) => i.kind === "conditional")!;
    expect(cond.kind === "conditional" && cond.label).toBe("if doubled > 1");
    const b = cond.kind === "conditional" ? cond.children[0]! : undefined;
    expect(m.edges).toContainEqual({ from: a.id, to: cond.id });
    expect(m.edges).toContainEqual({ from: a.id, to: b!.id });
    expect(m.edges).toContainEqual({ from: b!.id, to: "out:r" });
    expect(m.edges.some((e) => e.to === cond.id && e.from === b!.id)).toBe(false);
  });
});

describe("text formats", () => {
  it("Mermaid: subgraphs for groups and the inlined sub-workflow, one line per edge", async () => {
    const text = toMermaid(await pipeline());
    expect(text.startsWith("flowchart TD\n")).toBe(true);
    expect(text).toContain('subgraph n0["scatter size in sizes"]');
    expect(text).toContain('subgraph n1["stats (workflow steps.stats)"]');
    expect(text).toContain('n1_n0("make_numbers")');
    expect(text).toContain("in_sizes --> n0");
    expect(text).toContain('in_sizes[/"sizes: Array[Int]"/]');
  });

  it("DOT: clusters, and edges to a group attach to it with lhead", async () => {
    const text = toDot(await pipeline());
    expect(text).toContain('digraph "pipeline" {');
    expect(text).toContain("subgraph cluster_n0 {");
    expect(text).toContain("in_sizes -> n0 [lhead=cluster_n0];");
    expect(text.trim().endsWith("}")).toBe(true);
  });
});

describe("layout", () => {
  it("places every child inside its group's box, and routes every edge", async () => {
    const m = await pipeline();
    const layout = await layoutModel(m, { expandSubworkflows: true });
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    const scatter = byId.get("n0")!;
    const inner = byId.get("n1/n0")!;
    expect(scatter.group).toBe(true);
    expect(inner.x).toBeGreaterThanOrEqual(scatter.x);
    expect(inner.y).toBeGreaterThan(scatter.y);
    expect(inner.x + inner.width).toBeLessThanOrEqual(scatter.x + scatter.width);
    expect(inner.y + inner.height).toBeLessThanOrEqual(scatter.y + scatter.height);
    expect(layout.edges.length).toBeGreaterThanOrEqual(m.edges.length);
    const svg = renderSvg(layout);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain(">make_numbers</text>");
  });
});

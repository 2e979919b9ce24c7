/** The checked model the runtime relies on: types, bindings, calls, scopes, graph, imports, inputs. */
import { describe, expect, it } from "vitest";
import type { CheckedWorkflow, GraphNode } from "../../src/analysis/index.js";
import { inputSlots, inputsTemplate } from "../../src/analysis/inputs.js";
import type { Declaration, Expr } from "../../src/syntax/ast.js";
import { typeToString } from "../../src/types/types.js";
import { check, doc } from "./kit.js";

const LIB = doc(
  "version 1.2",
  "struct Sample {",
  "  String id",
  "  File reads",
  "}",
  "task align {",
  "  input {",
  "    Sample sample",
  "    Int threads = 4",
  "    String? extra",
  "  }",
  "  command <<< aligner -t ~{threads} ~{sample.reads} >>>",
  "  output {",
  "    File bam = 'out.bam'",
  "    Int n = 1",
  "  }",
  "}",
);

const MAIN = doc(
  "version 1.2",
  'import "lib/lib.wdl" as lib alias Sample as Specimen',
  "workflow main {",
  "  input {",
  "    Array[Specimen] samples",
  "    Boolean deep = false",
  "  }",
  "  scatter (s in samples) {",
  "    call lib.align { sample = s }",
  "    if (deep) {",
  "      Int doubled = align.n * 2",
  "    }",
  "  }",
  "  Array[Int?] ds = doubled",
  "  output {",
  "    Array[File] bams = align.bam",
  "    Int count = length(ds)",
  "  }",
  "}",
);

function analyse() {
  const a = check(MAIN, { "lib/lib.wdl": LIB });
  expect(a.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return a;
}

function decl(wf: CheckedWorkflow, name: string): Declaration {
  const n = wf.graph.nodes.find((x) => x.kind === "Declaration" && x.name.name === name);
  if (!n || n.kind !== "Declaration") throw new Error(name);
  return n;
}

describe("checked model", () => {
  it("loads imports relative to the importer and applies struct aliases", () => {
    const a = analyse();
    const root = a.root!;
    expect([...a.documents.keys()].sort()).toEqual(["/work/test/lib/lib.wdl", "/work/test/main.wdl"]);
    expect(root.namespaces.get("lib")!.uri).toBe("/work/test/lib/lib.wdl");
    expect(root.structs.get("Specimen")!.members.get("reads")!.kind).toBe("File");
    expect(root.structs.has("Sample")).toBe(false);
    expect(a.sources.get("/work/test/lib/lib.wdl")).toBe(LIB);
  });

  it("resolves calls to their callee, with input and output types", () => {
    const wf = analyse().root!.workflow!;
    expect(wf.calls).toHaveLength(1);
    const call = wf.calls[0]!;
    expect(call.name).toBe("align");
    expect(call.callee.kind).toBe("task");
    expect(call.callee.document.uri).toBe("/work/test/lib/lib.wdl");
    expect(typeToString(call.inputTypes.get("threads")!)).toBe("Int");
    expect([...call.suppliedInputs.keys()]).toEqual(["sample"]);
    expect(call.unsuppliedInputs.map((i) => i.name)).toEqual(["threads", "extra"]);
    expect(typeToString(call.outputTypes.get("bam")!)).toBe("File");
    expect(call.parent?.kind).toBe("Scatter");
    expect(wf.document.callOf(call.statement)).toBe(call);
  });

  it("types names by where they are used: inside a scatter, after it, inside an if", () => {
    const root = analyse().root!;
    const wf = root.workflow!;
    const doubled = decl(wf, "doubled");
    expect(typeToString(root.typeOf(doubled.expr!))).toBe("Int");
    const ds = decl(wf, "ds");
    expect(typeToString(root.typeOf(ds.expr!))).toBe("Array[Int?]");
    const bams = wf.outputs.find((o) => o.name === "bams")!.decl;
    expect(typeToString(root.typeOf(bams.expr!))).toBe("Array[File]");
  });

  it("records what each name refers to", () => {
    const root = analyse().root!;
    const wf = root.workflow!;
    const call = wf.calls[0]!;
    const sampleInput = call.suppliedInputs.get("sample")!.expr as Expr & { kind: "NameRef" };
    const b = root.bindingOf(sampleInput);
    expect(b?.kind).toBe("scatter-variable");
    const bams = wf.outputs.find((o) => o.name === "bams")!.decl.expr!;
    const target = (bams as Expr & { kind: "MemberAccess" }).target as Expr & { kind: "NameRef" };
    const cb = root.bindingOf(target);
    expect(cb?.kind === "call" && cb.call).toBe(call);
  });

  it("builds the dependency graph with sibling-level edges and an order per body", () => {
    const wf = analyse().root!.workflow!;
    const g = wf.graph;
    const names = (ns: readonly GraphNode[]) =>
      ns.map((n) => (n.kind === "Declaration" ? n.name.name : n.kind === "Call" ? "call" : n.kind === "Scatter" ? "scatter" : "if"));
    const top = g.order.get(undefined)!;
    expect(names(top)).toEqual(["samples", "deep", "scatter", "ds", "bams", "count"]);
    const scatter = top[2]!;
    expect(names(g.siblingDependencies.get(scatter)!).sort()).toEqual(["deep", "samples"]);
    expect(names(g.order.get(scatter as never)!)).toEqual(["call", "if"]);
    const ifNode = g.order.get(scatter as never)![1]!;
    expect(names(g.siblingDependencies.get(ifNode)!)).toEqual(["call"]);
    expect(g.parent.get(ifNode)).toBe(scatter);
    expect(names(g.dependencies.get(decl(wf, "ds"))!)).toEqual(["doubled"]);
    expect(names(g.siblingDependencies.get(decl(wf, "ds"))!)).toEqual(["scatter"]);
  });

  it("orders task declarations by dependency", () => {
    const a = check(doc("version 1.2", "task t {", "  input {", "    Int a = b + 1", "  }", "  Int b = 2", "  command <<< ~{a} >>>", "  output {", "    Int y = x", "    Int x = a", "  }", "}"));
    const t = a.root!.tasks.get("t")!;
    expect(t.declarationOrder.map((d) => d.name.name)).toEqual(["b", "a"]);
    expect(t.outputOrder.map((d) => d.name.name)).toEqual(["x", "y"]);
    expect(t.declarationDependencies.get(t.def.inputs!.declarations[0]!)!.map((d) => d.name.name)).toEqual(["b"]);
  });

  it("gives the 1.2 task variable its members", () => {
    const a = check(doc("version 1.2", "task t {", "  command <<< echo ~{task.cpu} ~{task.name} >>>", "  output {", "    Int? rc = task.return_code", "  }", "}"));
    expect(a.diagnostics).toEqual([]);
    const out = a.root!.tasks.get("t")!.outputs[0]!.decl.expr!;
    // Inside `output` the command has run: return_code is an Int (WDL 1.2.1's correction).
    expect(typeToString(a.root!.typeOf(out))).toBe("Int");
  });

  it("lists run inputs with fully qualified keys", () => {
    const a = analyse();
    const wf = a.root!.workflow!;
    const slots = inputSlots(wf);
    expect(slots.map((s) => s.key)).toEqual(["main.samples", "main.deep"]);
    const template = inputsTemplate(slots, (e) => a.sources.get(e.span.uri)!.slice(e.span.start.offset, e.span.end.offset));
    expect(template).toEqual({ "main.samples": "Array[Specimen]", "main.deep": "Boolean (default: false)" });
  });

  it("lists nested call inputs when the workflow allows them", () => {
    const text = MAIN.replace("  output {", "  hints {\n    allow_nested_inputs: true\n  }\n  output {");
    const a = check(text, { "lib/lib.wdl": LIB });
    const template = inputsTemplate(inputSlots(a.root!.workflow!), () => "4");
    expect(template).toEqual({
      "main.samples": "Array[Specimen]",
      "main.deep": "Boolean (default: 4)",
      "main.align.threads": "Int (default: 4)",
      "main.align.extra": "String? (optional)",
    });
  });

  it("still returns a root when the document has errors", () => {
    const a = check(doc("version 1.2", "workflow w {", "  Int x = nope", "}"));
    expect(a.root?.workflow?.name).toBe("w");
    expect(a.diagnostics.map((d) => d.code)).toEqual(["unknown-name"]);
  });
});

/**
 * Fuzzing the whole front end: thousands of randomly mutated corpus documents
 * (deterministic seed, the syntax tests' mutator) go through parse + check,
 * with the unmutated documents of the same example available as imports.
 * Analysis must never throw or hang, diagnostics must be well-formed,
 * sorted and renderable, and the checked model must answer its lookups.
 */
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSource, type CheckedDocument } from "../../src/analysis/index.js";
import { compareSpans } from "../../src/diagnostics/span.js";
import { renderDiagnostics } from "../../src/diagnostics/render.js";
import { corpusFiles } from "../syntax/corpus.js";
import { mutations } from "../syntax/mutate.js";

const CASES = 3000;
const SEED = 424242;

/** Touches every lookup of the checked model, so that a broken side table shows up here. */
function exercise(doc: CheckedDocument): void {
  for (const task of doc.tasks.values()) {
    expect(task.declarationOrder.length).toBeLessThanOrEqual(task.def.privateDeclarations.length + (task.def.inputs?.declarations.length ?? 0));
    for (const o of task.outputs) if (o.decl.expr) doc.typeOf(o.decl.expr);
  }
  const wf = doc.workflow;
  if (!wf) return;
  for (const n of wf.graph.nodes) {
    expect(wf.graph.siblingDependencies.has(n)).toBe(true);
    if (n.kind === "Call") doc.callOf(n);
    if (n.kind === "Declaration" && n.expr) doc.typeOf(n.expr);
  }
  let ordered = 0;
  for (const list of wf.graph.order.values()) ordered += list.length;
  expect(ordered).toBe(wf.graph.nodes.length);
}

describe("fuzzing parse + check with mutated corpus files", () => {
  const files = corpusFiles();
  const sources = files.map((f) => readFileSync(f, "utf8"));

  it.skipIf(files.length === 0)(`survives ${CASES} mutated documents`, () => {
    let withErrors = 0;
    for (const c of mutations(sources, CASES, SEED)) {
      const file = files[c.source]!;
      // The other documents of the same example, importable by their file names.
      const siblings: Record<string, string> = {};
      files.forEach((f, i) => {
        if (f !== file && dirname(f) === dirname(file)) siblings[basename(f)] = sources[i]!;
      });
      const uri = `/fuzz/${basename(file)}`;
      let analysis: ReturnType<typeof checkSource>;
      try {
        analysis = checkSource(c.text, uri, siblings);
      } catch (e) {
        throw new Error(`case ${c.index} (${basename(file)}: ${c.mutations.map((m) => `${m.kind}@${m.at}`).join(", ")}) threw: ${e instanceof Error ? e.stack : String(e)}`);
      }
      const ds = analysis.diagnostics;
      expect(ds.find((d) => d.code === "internal-error")).toBeUndefined();
      for (const d of ds) {
        expect(d.message.length).toBeGreaterThan(0);
        expect(d.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        if (d.span?.uri === uri) {
          expect(d.span.start.offset).toBeGreaterThanOrEqual(0);
          expect(d.span.end.offset).toBeLessThanOrEqual(c.text.length + 1);
        }
      }
      for (let i = 1; i < ds.length; i++) {
        const a = ds[i - 1]!.span;
        const b = ds[i]!.span;
        if (a && b) expect(compareSpans(a, b)).toBeLessThanOrEqual(0);
      }
      expect(typeof renderDiagnostics(ds, analysis.sources)).toBe("string");
      for (const doc of analysis.documents.values()) exercise(doc);
      if (ds.some((d) => d.severity === "error")) withErrors++;
    }
    expect(withErrors).toBeGreaterThan(CASES / 3);
  }, 300_000);
});

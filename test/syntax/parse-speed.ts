/**
 * Parse-speed check for the syntax layer alone (not a vitest test): generates
 * a WDL 1.2 document of about --lines N lines (default 50,000: structs, tasks
 * with commands and placeholders, a workflow with nested scatters,
 * conditionals and calls), parses it --runs times (default 7) and prints the
 * best and median lines/s. Run: npx tsx test/syntax/parse-speed.ts [--lines N] [--runs N]
 */
import { performance } from "node:perf_hooks";
import { parseDocument } from "../../src/syntax/parse.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A synthetic, valid document of about `target` lines. */
export function generateDocument(target: number): string {
  const out = ["version 1.2", ""];
  const structs = Math.max(5, Math.floor(target / 400));
  for (let s = 0; s < structs; s++) {
    out.push(`struct Rec${s} {`, "  String id", "  Int n", "  Array[File] files", "  Map[String, Float] scores", "}", "");
  }
  const tasks = Math.max(5, Math.floor(target / 100));
  for (let t = 0; t < tasks; t++) {
    out.push(
      `task step${t} {`,
      "  input {",
      "    File infile",
      "    String sample",
      `    Int threads = ${1 + (t % 8)}`,
      `    Rec${t % structs}? rec`,
      "    Array[String] flags = []",
      "  }",
      `  String prefix = sample + "_" + basename(infile, ".txt")`,
      "  Int mem = threads * 2 + (if defined(rec) then 1 else 0)",
      "  command <<<",
      "    set -euo pipefail",
      `    tool --threads ~{threads} ~{sep(" ", flags)} --in ~{infile} > ~{prefix}.out`,
      "  >>>",
      "  output {",
      '    File out = "~{prefix}.out"',
      "    Int count = length(read_lines(out))",
      "  }",
      "  requirements {",
      '    container: "ubuntu:22.04"',
      "    cpu: threads",
      '    memory: "~{mem} GiB"',
      "  }",
      "  meta { description: \"a step\" }",
      "}",
      "",
    );
  }
  out.push("workflow big {", "  input {", "    Array[File] files", '    String sample = "s"', "  }");
  let lines = out.length;
  let i = 0;
  while (lines < target - 10) {
    const t = i % tasks;
    out.push(
      `  scatter (f${i} in files) {`,
      `    call step${t} as s${i} { infile = f${i}, sample = sample + "${i}", threads = ${1 + (i % 4)} }`,
      `    if (s${i}.count > ${i % 10}) {`,
      `      Int doubled${i} = s${i}.count * 2 + length(files) - 1`,
      `      String label${i} = "~{sample}-~{doubled${i}}"`,
      "    }",
      "  }",
    );
    lines += 7;
    i++;
  }
  out.push("  output {", "    Int n = length(files)", "  }", "}", "");
  return out.join("\n");
}

const text = generateDocument(arg("lines", 50_000));
const lines = text.split("\n").length;
const runs = arg("runs", 7);
for (let w = 0; w < 2; w++) parseDocument(text, "/bench.wdl");
const times: number[] = [];
for (let r = 0; r < runs; r++) {
  const start = performance.now();
  const { diagnostics } = parseDocument(text, "/bench.wdl");
  times.push(performance.now() - start);
  if (diagnostics.length > 0) throw new Error(`generated document has diagnostics: ${diagnostics[0]!.message}`);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
const fmt = (ms: number): string => `${Math.round(ms)} ms = ${Math.round(lines / (ms / 1000)).toLocaleString("en-US")} lines/s`;
console.log(`parseDocument on ${lines.toLocaleString("en-US")} lines (${(text.length / 1024 / 1024).toFixed(1)} MiB):`);
console.log(`  best   ${fmt(times[0]!)}`);
console.log(`  median ${fmt(median)}`);

/**
 * Front-end benchmark (`npm run bench:parse`): generates a large WDL 1.2
 * document (many structs and tasks, a deep workflow with nested scatters
 * and conditionals and many calls), parses and checks it several times, and
 * prints lines/s (median of the warm runs; and the time of the cold first
 * run), the split between parsing and checking, and peak memory.
 *
 * It measures the compiled front end (what bin/wdlrun runs): the sources are
 * compiled with tsc into bench/out/dist first, because running through tsx
 * wraps every closure in a naming helper that costs about a quarter of the
 * parser's time. `--source` measures the tsx-transpiled sources instead.
 *
 * Options: --lines N (approximate size, default 60000), --runs N (default 9),
 * --out FILE (write the generated document and exit), --source, --each (also
 * print every run's time: the spread shows the garbage collector's pauses).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import type * as AnalysisApi from "../src/analysis/index.js";
import type * as LoaderApi from "../src/analysis/loader.js";
import type * as ParseApi from "../src/syntax/parse.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Generates a document of about `target` lines. */
export function generate(target: number): string {
  const out: string[] = ["version 1.2", ""];
  const structs = Math.max(10, Math.floor(target / 300));
  for (let s = 0; s < structs; s++) {
    out.push(`struct Record${s} {`, "  String id", "  Int count", "  Float score", "  Array[File] files", `  Map[String, Int] tags`);
    if (s > 0) out.push(`  Record${s - 1}? previous`);
    out.push("}", "");
  }
  const tasks = Math.max(10, Math.floor(target / 120));
  for (let t = 0; t < tasks; t++) {
    const r = `Record${t % structs}`;
    out.push(
      `task step${t} {`,
      "  input {",
      "    File input_file",
      "    String sample",
      `    Int threads = ${1 + (t % 8)}`,
      "    Float? scale",
      `    ${r}? record`,
      "    Array[String] flags = []",
      "  }",
      "",
      "  String prefix = sample + \"_\" + basename(input_file, \".txt\")",
      "  Int mem_gb = threads * 2 + (if defined(scale) then 1 else 0)",
      "",
      "  command <<<",
      "    set -euo pipefail",
      `    tool${t} --threads ~{threads} --scale ~{select_first([scale, 1.0])} \\`,
      "      ~{sep(\" \", prefix(\"--flag=\", flags))} \\",
      "      --in ~{input_file} --out ~{prefix}.out",
      "    echo ~{prefix} ~{if defined(record) then \"with record\" else \"\"} > name.txt",
      "  >>>",
      "",
      "  output {",
      "    File result = \"~{prefix}.out\"",
      "    String name = read_string(\"name.txt\")",
      "    Int lines = length(read_lines(result))",
      "  }",
      "",
      "  requirements {",
      "    container: \"ubuntu:22.04\"",
      "    cpu: threads",
      "    memory: \"~{mem_gb} GiB\"",
      "  }",
      "}",
      "",
    );
  }
  // The workflow: groups of calls inside nested scatters and conditionals, chained through outputs.
  out.push("workflow big {", "  input {", "    Array[File] inputs", "    Array[String] samples", "    Boolean deep = true", "  }", "");
  let lines = out.length;
  let g = 0;
  while (lines < target - 20) {
    const t = g % tasks;
    const u = (g + 1) % tasks;
    out.push(
      `  scatter (pair${g} in zip(inputs, samples)) {`,
      `    call step${t} as a${g} { input_file = pair${g}.left, sample = pair${g}.right }`,
      `    if (deep && length(a${g}.name) > ${g % 5}) {`,
      `      scatter (i${g} in range(${1 + (g % 3)})) {`,
      `        String label${g} = "~{a${g}.name}-~{i${g}}"`,
      `        call step${u} as b${g} {`,
      `          input_file = a${g}.result,`,
      `          sample = label${g},`,
      `          threads = i${g} + 1,`,
      `          flags = ["--x", label${g}]`,
      "        }",
      "      }",
      `      Array[File] results${g} = b${g}.result`,
      "    }",
      `    Int count${g} = length(select_first([results${g}, []]))`,
      "  }",
      `  Int total${g} = length(flatten([count${g}]))`,
      "",
    );
    lines += 18;
    g++;
  }
  out.push("  output {", `    Array[Int] totals = [${Array.from({ length: Math.min(g, 50) }, (_, i) => `total${i}`).join(", ")}]`, "  }", "}");
  return out.join("\n") + "\n";
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const text = generate(arg("lines", 60000));
const outIndex = process.argv.indexOf("--out");
if (outIndex >= 0) {
  writeFileSync(process.argv[outIndex + 1]!, text);
  process.exit(0);
}
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
let checkSource: typeof AnalysisApi.checkSource;
let parseDocument: typeof ParseApi.parseDocument;
let checkParsed: typeof LoaderApi.checkParsed;
if (process.argv.includes("--source")) {
  ({ checkSource } = await import("../src/analysis/index.js"));
  ({ parseDocument } = await import("../src/syntax/parse.js"));
  ({ checkParsed } = await import("../src/analysis/loader.js"));
} else {
  const outDir = join(root, "bench", "out", "dist");
  const tsc = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "tsconfig.build.json"), "--outDir", outDir], { stdio: "inherit" });
  if (tsc.status !== 0) {
    console.error("bench: compiling the sources failed");
    process.exit(1);
  }
  ({ checkSource } = (await import(pathToFileURL(join(outDir, "analysis", "index.js")).href)) as typeof AnalysisApi);
  ({ parseDocument } = (await import(pathToFileURL(join(outDir, "syntax", "parse.js")).href)) as typeof ParseApi);
  ({ checkParsed } = (await import(pathToFileURL(join(outDir, "analysis", "loader.js")).href)) as typeof LoaderApi);
}
const lineCount = text.split("\n").length - 1;
const runs = arg("runs", 9);
const total: number[] = [];
const parseOnly: number[] = [];
const checkOnly: number[] = [];
const cpuTotal: number[] = [];
/**
 * CPU time of the main thread, in ms: on Linux from /proc (10 ms ticks), which leaves out the garbage
 * collector's helper threads and the time the thread waited for a core (other load on the machine);
 * elsewhere the whole process's CPU time.
 */
const cpuMs = (): number => {
  try {
    const fields = readFileSync("/proc/thread-self/stat", "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  }
};
let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
};
// One cold run (reported), two warm-up runs, then the measured runs.
const base = process.memoryUsage();
// The cold run's result is not kept: it would stay live (and be marked) during every measured run.
const { coldMs, one, errors } = (() => {
  const c0 = performance.now();
  const first = checkSource(text, "/bench/big.wdl");
  const coldMs = performance.now() - c0;
  return { coldMs, one: process.memoryUsage(), errors: first.diagnostics.filter((d) => d.severity === "error") };
})();
if (errors.length > 0) {
  console.error(`the generated document has ${errors.length} errors, e.g. ${errors[0]!.message} at line ${errors[0]!.span?.start.line}`);
  process.exit(1);
}
// Two more runs before measuring: the JIT is still tiering up the hot code after the cold one.
for (let i = 0; i < 2; i++) checkSource(text, "/bench/big.wdl");
// parse+check first, in a loop of its own: the split runs below leave an extra syntax tree and model
// of garbage per run, which the collector would otherwise bill partly to these runs.
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const c0 = cpuMs();
  checkSource(text, "/bench/big.wdl");
  total.push(performance.now() - t0);
  cpuTotal.push(cpuMs() - c0);
  sample();
}
for (let i = 0; i < runs; i++) {
  let t0 = performance.now();
  const parsed = parseDocument(text, "/bench/big.wdl");
  parseOnly.push(performance.now() - t0);
  sample();
  t0 = performance.now();
  checkParsed("/bench/big.wdl", text, parsed);
  checkOnly.push(performance.now() - t0);
  sample();
}
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
if (process.argv.includes("--each")) {
  console.log(`each run (ms): parse+check ${total.map((x) => x.toFixed(0)).join(" ")}; parse ${parseOnly.map((x) => x.toFixed(0)).join(" ")}; check ${checkOnly.map((x) => x.toFixed(0)).join(" ")}`);
}
const ms = median(total);
const pm = median(parseOnly);
console.log(`document: ${lineCount} lines, ${(text.length / 1024 / 1024).toFixed(1)} MiB`);
console.log(`first (cold) parse+check: ${coldMs.toFixed(0)} ms`);
console.log(`parse+check: median ${ms.toFixed(0)} ms over ${runs} runs → ${Math.round(lineCount / (ms / 1000)).toLocaleString("en-US")} lines/s`);
const cm = median(cpuTotal);
console.log(`  by main-thread CPU time (less sensitive to other load on the machine): median ${cm.toFixed(0)} ms → ${Math.round(lineCount / (cm / 1000)).toLocaleString("en-US")} lines/s`);
const km = median(checkOnly);
console.log(`  parse only: median ${pm.toFixed(0)} ms (${Math.round(lineCount / (pm / 1000)).toLocaleString("en-US")} lines/s)`);
console.log(`  check only: median ${km.toFixed(0)} ms (${Math.round(lineCount / (km / 1000)).toLocaleString("en-US")} lines/s)`);
console.log(`memory of one parse+check (first run): rss ${mb(one.rss)} (+${mb(one.rss - base.rss)}), heap used ${mb(one.heapUsed)} (+${mb(one.heapUsed - base.heapUsed)})`);
console.log(`peak memory over all runs: rss ${mb(peakRss)}, heap used ${mb(peakHeap)}`);

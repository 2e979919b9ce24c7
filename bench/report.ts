/**
 * bench:report: rebuilds the report of a synthetic run of 1,000 attempts
 * (a 500-element scatter of two calls, retries and failures among them,
 * GPUs on some) from its run directory, as `wdlrun report` does: reads
 * run.json (with the picture's layout, stored by the run) and every
 * usage.json, renders the page. Prints the time of the first build in
 * the process, the median of the next seven,
 * and the file's size. Targets: under 1 s, under 2 MB.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { withStoredLayouts } from "../src/graph/layout.js";
import type { GraphModel } from "../src/graph/model.js";
import { readRunData, type AttemptRecord, type RunRecord } from "../src/report/data.js";
import { renderReport } from "../src/report/render.js";

const ATTEMPTS = 1000;
const dir = mkdtempSync(path.join(tmpdir(), "wdlrun-bench-report-"));
const t0 = Date.parse("2026-01-01T00:00:00Z");
const graph: GraphModel = {
  name: "bench",
  kind: "workflow",
  items: [
    { kind: "input", id: "in:samples", name: "samples", type: "Array[File]" },
    {
      kind: "scatter",
      id: "n0",
      label: "scatter s in samples",
      children: [
        { kind: "call", id: "n1", name: "align", callee: "align", dirName: "call-align" },
        { kind: "call", id: "n2", name: "sort", callee: "sort", dirName: "call-sort" },
      ],
    },
    { kind: "call", id: "n3", name: "merge", callee: "merge", dirName: "call-merge" },
    { kind: "output", id: "out:merged", name: "merged", type: "File" },
  ],
  edges: [
    { from: "in:samples", to: "n0" },
    { from: "n1", to: "n2" },
    { from: "n2", to: "n3" },
    { from: "n3", to: "out:merged" },
  ],
};
const attempts: AttemptRecord[] = [];
for (let i = 0; i < ATTEMPTS; i++) {
  const call = i % 2 === 0 ? "align" : "sort";
  const callId = `call-${call}-${String(Math.floor(i / 2)).padStart(4, "0")}`;
  const start = t0 + (i % 50) * 60_000 + Math.floor(i / 50) * 1000;
  const a: AttemptRecord = {
    callId,
    attempt: 1,
    dir: `${callId}/attempt-1`,
    startedAt: new Date(start).toISOString(),
    endedAt: new Date(start + 30_000 + (i % 7) * 5000).toISOString(),
    exitCode: i % 97 === 0 ? 1 : 0,
    requested: {
      cpu: 4,
      memoryBytes: 16 * 1024 ** 3,
      gpuIds: i % 10 === 0 ? [String(i % 4)] : [],
      fpga: 0,
      disks: [],
      cpuDefaulted: false,
      memoryDefaulted: false,
    },
    used: { peakMemoryBytes: 3.1 * 1024 ** 3, cpuSeconds: 60, wallSeconds: 30, source: "cgroup (Engine API stats)" },
  };
  attempts.push(a);
  mkdirSync(path.join(dir, a.dir), { recursive: true });
  writeFileSync(path.join(dir, a.dir, "usage.json"), JSON.stringify(a, null, 2));
}
const run: RunRecord = {
  version: 1,
  runId: "bench",
  target: "bench",
  backend: "docker",
  document: "/bench.wdl",
  startedAt: new Date(t0).toISOString(),
  endedAt: new Date(t0 + 3_600_000).toISOString(),
  status: "failed",
  // As a run stores it: laid out once while the run goes.
  graph: await withStoredLayouts(graph),
  calls: attempts.map((a) => ({ callId: a.callId, state: a.exitCode === 0 ? ("succeeded" as const) : ("failed" as const) })),
  attempts: attempts.map((a) => ({ callId: a.callId, attempt: a.attempt, dir: a.dir, startedAt: a.startedAt })),
};
writeFileSync(path.join(dir, "run.json"), JSON.stringify(run));
writeFileSync(path.join(dir, "inputs.json"), JSON.stringify({ "bench.samples": attempts.map((a) => `/data/${a.callId}.bam`) }, null, 2));

async function build(): Promise<{ ms: number; bytes: number }> {
  const start = performance.now();
  const html = await renderReport(await readRunData(dir));
  return { ms: performance.now() - start, bytes: Buffer.byteLength(html) };
}

const cold = await build();
const warm: number[] = [];
for (let i = 0; i < 7; i++) warm.push((await build()).ms);
warm.sort((a, b) => a - b);
console.log(`report of ${ATTEMPTS} attempts: first ${cold.ms.toFixed(0)} ms, warm median ${warm[3]!.toFixed(0)} ms, ${(cold.bytes / 1024 / 1024).toFixed(2)} MB`);
console.log(`targets: under 1000 ms ${cold.ms < 1000 ? "met" : "NOT met"}, under 2 MB ${cold.bytes < 2 * 1024 * 1024 ? "met" : "NOT met"}`);
rmSync(dir, { recursive: true, force: true });

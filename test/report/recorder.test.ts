/**
 * The recorder: run.json and report.html from the first moment of a run,
 * rewritten while it goes (the page reloads itself until the end), each
 * finished attempt's usage.json, and a report rebuilt from the files alone.
 */
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readRunData } from "../../src/report/data.js";
import { RunRecorder } from "../../src/report/recorder.js";
import { renderReport } from "../../src/report/render.js";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await wait(20);
  expect(check()).toBe(true);
}

describe("run recorder", () => {
  it("keeps run.json and a self-refreshing report.html current, and writes usage.json per attempt", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "wdlrun-recorder-"));
    const attemptDir = path.join(dir, "call-a", "attempt-1");
    mkdirSync(attemptDir, { recursive: true });
    const rec = new RunRecorder({ dir, runId: "r1", target: "wf", backend: "local", document: "/x.wdl", inputs: { "wf.n": 1 }, flushMs: 20 });
    rec.start();
    const report = () => readFileSync(path.join(dir, "report.html"), "utf8");
    const run = () => JSON.parse(readFileSync(path.join(dir, "run.json"), "utf8")) as { status: string; calls: { state: string }[] };
    await until(() => {
      try {
        return report().includes('http-equiv="refresh"');
      } catch {
        return false;
      }
    });
    rec.observe({ kind: "call-queued", callId: "call-a" });
    rec.observe({
      kind: "attempt-started",
      callId: "call-a",
      attempt: 1,
      dir: attemptDir,
      resources: { cpu: 2, memoryBytes: 1024 ** 3, gpuIds: ["0"], fpga: 0, disks: [], cpuDefaulted: false, memoryDefaulted: false },
    });
    await until(() => run().calls[0]?.state === "running" && report().includes("bar-running"));
    rec.observe({ kind: "attempt-finished", callId: "call-a", attempt: 1, exitCode: 0, usage: { peakMemoryBytes: 1024, cpuSeconds: 0.5, wallSeconds: 1, source: "test" } });
    rec.observe({ kind: "call-succeeded", callId: "call-a" });
    await rec.finish("succeeded", { outputs: { "wf.out": 3 } });
    const usage = JSON.parse(readFileSync(path.join(attemptDir, "usage.json"), "utf8")) as { exitCode: number; used: { peakMemoryBytes: number }; requested: { gpuIds: string[] } };
    expect(usage.exitCode).toBe(0);
    expect(usage.used.peakMemoryBytes).toBe(1024);
    expect(usage.requested.gpuIds).toEqual(["0"]);
    expect(run().status).toBe("succeeded");
    const html = report();
    expect(html).not.toContain('http-equiv="refresh"');
    expect(html).toContain("GPU 0");
    expect(html).toContain("bar-ok");
    const rebuilt = await renderReport(await readRunData(dir));
    expect(rebuilt).toContain("GPU 0");
    expect(rebuilt).toContain("status-succeeded");
  });
});

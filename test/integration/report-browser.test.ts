/**
 * The run report and the graph page in a real browser (headless Chromium):
 * `wdlrun run` on the local backend and on Docker writes report.html and
 * usage.json files; the pages render their parts with no script or console
 * error; a screenshot of each lands in test-output/report/. On Docker, the
 * usage of a task that holds 200 MiB for two seconds is measured from its
 * cgroup and reported at the end of the run against its 4 GiB request.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runGraph } from "../../src/cli/graph.js";
import { runReport } from "../../src/cli/report.js";
import { runCommand } from "../../src/cli/run.js";
import { chromiumSkipReason, dumpDom, screenshot } from "./helpers/chromium.js";
import { dockerHost, dockerSkipReason, tempDir } from "./kit.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const output = path.join(root, "test-output", "report");
const skipBrowser = chromiumSkipReason();

/** Runs `wdlrun run` in this process; resolves with the exit code, the run directory and stderr. */
async function run(file: string, args: string[], backend: "local" | "docker"): Promise<{ code: number; runDir: string; stderr: string }> {
  const out = path.join(tempDir("wdlrun-report-"), "runs");
  const saved = process.env.DOCKER_HOST;
  if (backend === "docker") process.env.DOCKER_HOST = dockerHost();
  let stderr = "";
  try {
    const code = await runCommand(file, args, { backend, out }, {
      stdout: { write: () => undefined },
      stderr: { write: (t) => void (stderr += t), isTTY: false },
    });
    return { code, runDir: /run directory: (\S+)/.exec(stderr)?.[1] ?? "", stderr };
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
}

/** Loads a page in Chromium: its DOM, after checking it rendered and recorded no error; saves a screenshot. */
async function openPage(file: string, shot: string): Promise<string> {
  const dom = await dumpDom(file);
  expect(dom).toContain('data-rendered="yes"');
  expect(/<ul id="wdlrun-errors">(.*?)<\/ul>/s.exec(dom)?.[1] ?? "missing").toBe("");
  mkdirSync(output, { recursive: true });
  await screenshot(file, path.join(output, shot));
  expect(existsSync(path.join(output, shot))).toBe(true);
  return dom;
}

const FAILING = `version 1.1
task ok {
  command <<< echo fine >>>
  output { String s = read_string(stdout()) }
}
task broken {
  input { String s }
  command <<<
    echo "about to fail: ~{s}" >&2
    exit 3
  >>>
  output { String t = "never" }
}
workflow w {
  call ok
  call broken { input: s = ok.s }
}
`;

describe.skipIf(skipBrowser !== "")(`the report in a browser${skipBrowser ? ` (skipped: ${skipBrowser})` : ""}`, () => {
  it("renders a successful local run: status, graph coloured by state, timeline, resources, inputs", async () => {
    const r = await run(path.join(root, "examples/pipeline/pipeline.wdl"), [], "local");
    expect(r.code).toBe(0);
    const report = path.join(r.runDir, "report.html");
    const dom = await openPage(report, "report-local.png");
    expect(dom).toContain('id="run-status" class="status status-succeeded"');
    expect(dom).toMatch(/<g class="node node-call state-succeeded" data-id="n3">/);
    expect(dom).toContain('id="timeline"');
    expect((dom.match(/class="bar bar-ok"/g) ?? []).length).toBe(7);
    expect((dom.match(/class="bar bar-failed"/g) ?? []).length).toBe(1);
    expect(dom).toContain('id="resources"');
    expect(dom).toContain('id="inputs"');
    // Every attempt has its usage.json, measured from /proc.
    const usage = JSON.parse(readFileSync(path.join(r.runDir, "call-check/attempt-2/usage.json"), "utf8")) as { exitCode: number; used: { source: string; wallSeconds: number } };
    expect(usage.exitCode).toBe(0);
    expect(usage.used.source).toMatch(/proc/);
    expect(usage.used.wallSeconds).toBeGreaterThan(0);
    // Rebuilt from the run directory alone.
    const again = await runReport(r.runDir, { stdout: () => undefined, stderr: () => undefined });
    expect(again).toBe(0);
    expect(readFileSync(report, "utf8")).toContain("status-succeeded");
  }, 120_000);

  it("shows a failure with its stderr tail and folder", async () => {
    const dir = tempDir("wdlrun-report-");
    const file = path.join(dir, "fail.wdl");
    writeFileSync(file, FAILING);
    const r = await run(file, [], "local");
    expect(r.code).toBe(1);
    const dom = await openPage(path.join(r.runDir, "report.html"), "report-failed.png");
    expect(dom).toContain("status-failed");
    expect(dom).toContain('id="failures"');
    expect(dom).toContain("about to fail: fine");
    expect(dom).toContain(path.join(r.runDir, "call-broken", "attempt-1"));
    expect(dom).toMatch(/node-call state-failed/);
  }, 120_000);

  it("renders the html graph with its sub-workflow section", async () => {
    let html = "";
    const code = await runGraph(path.join(root, "examples/pipeline/pipeline.wdl"), { format: "html" }, { stdout: (s) => void (html += s), stderr: () => undefined });
    expect(code).toBe(0);
    const file = path.join(tempDir("wdlrun-graph-"), "graph.html");
    writeFileSync(file, html);
    const dom = await openPage(file, "graph.png");
    expect(dom).toContain('class="wdl-graph"');
    expect(dom).toMatch(/<details class="subworkflow-section" id="sub-n1" open="">/);
    expect(dom).toContain("scatter size in sizes");
  }, 120_000);

  const skipDocker = dockerSkipReason();
  it.skipIf(skipDocker !== "")(`measures a Docker task's peak memory and CPU and says it asked far more${skipDocker ? ` (skipped: ${skipDocker})` : ""}`, async () => {
    const dir = tempDir("wdlrun-report-");
    const file = path.join(dir, "hog.wdl");
    writeFileSync(
      file,
      `version 1.1
task hog {
  command <<<
    python3 -c "
import time
x = bytearray(200 * 1024 * 1024)
t = time.time()
while time.time() - t < 2.5: pass
"
  >>>
  runtime { docker: "python:latest" memory: "4 GiB" }
  output { String done = "ok" }
}
workflow w { call hog }
`,
    );
    const r = await run(file, [], "docker");
    expect(r.code).toBe(0);
    const usage = JSON.parse(readFileSync(path.join(r.runDir, "call-hog/attempt-1/usage.json"), "utf8")) as {
      used: { peakMemoryBytes: number; cpuSeconds: number; wallSeconds: number; source: string };
    };
    expect(usage.used.source).toMatch(/cgroup/);
    expect(usage.used.peakMemoryBytes).toBeGreaterThan(200 * 1024 * 1024);
    expect(usage.used.peakMemoryBytes).toBeLessThan(1024 * 1024 * 1024);
    expect(usage.used.cpuSeconds).toBeGreaterThan(0.1);
    expect(usage.used.wallSeconds).toBeGreaterThan(2);
    expect(r.stderr).toMatch(/`hog`: peak 2\d\d(\.\d)? MiB of 4 GiB memory requested/);
    const dom = await openPage(path.join(r.runDir, "report.html"), "report-docker.png");
    expect(dom).toContain("cgroup (Engine API stats)");
  }, 180_000);
});

/**
 * Containers made ahead on a real Docker Engine, from the CLI: while one task
 * of a scatter runs (one at a time: concurrency 1), the next one's container
 * is already created (not started), labelled with the run; the run's outputs
 * are right, and nothing is left after it ends, nor after Ctrl-C twice with a
 * container made ahead waiting.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { connect } from "../../src/backends/engine/index.js";
import { LABEL_OWNER_PID } from "../../src/backends/engine/labels.js";
import { dockerHost, dockerSkipReason, spawnRun, tempDir, writeHostFile } from "./kit.js";

const skip = dockerSkipReason();

const SCATTER = (seconds: number) => `version 1.1
task t { input { Int i } command <<< echo ~{i}; sleep ${seconds} >>> output { Int o = read_int(stdout()) } runtime { docker: "ubuntu:latest" cpu: 1 memory: "32 MiB" } }
workflow w { scatter (i in range(3)) { call t { input: i = i } } output { Array[Int] os = t.o } }
`;

/** Starts the scatter with one attempt at a time; resolves the process, its label, and how to read its containers by state. */
function start(seconds: number) {
  const dir = tempDir("wdlrun-ahead-");
  const file = writeHostFile(path.join(dir, "main.wdl"), SCATTER(seconds));
  const child = spawnRun(file, "docker", path.join(dir, "runs"), { DOCKER_HOST: dockerHost(), WDLRUN_CONCURRENCY: "1" });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
  const label = `${LABEL_OWNER_PID}=${child.pid}`;
  const states = async () => (await connect(dockerHost()).listContainers({ all: true, filters: { label: [label] } })).map((c) => c.State).sort();
  return { dir, child, closed, states, stdout: () => stdout, stderr: () => stderr };
}

/** Polls until `states()` shows one running container and one created beside it. */
async function runningWithOneAhead(run: ReturnType<typeof start>): Promise<string[]> {
  const t0 = Date.now();
  for (;;) {
    const s = await run.states();
    if (s.includes("running") && s.includes("created")) return s;
    if (run.child.exitCode !== null || Date.now() - t0 > 60_000) throw new Error(`never one running with one made ahead (last: ${s.join(",")}): ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(skip !== "")(`containers made ahead on Docker${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("creates the next task's container while one runs, and leaves none after the run", async () => {
    const run = start(2);
    expect(await runningWithOneAhead(run)).toEqual(["created", "running"]);
    expect(await run.closed, run.stderr()).toBe(0);
    expect(JSON.parse(run.stdout())["w.os"]).toEqual([0, 1, 2]);
    expect(await run.states()).toEqual([]);
    // Every attempt ran in its own container and kept its files.
    for (const i of [0, 1, 2]) expect(readFileSync(path.join(run.dir, "runs", "latest", `call-t-000${i}`, "attempt-1", "stdout"), "utf8")).toBe(`${i}\n`);
  }, 120_000);

  it("removes a container made ahead when the run is stopped with Ctrl-C twice", async () => {
    const run = start(300);
    await runningWithOneAhead(run);
    run.child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill("SIGINT");
    expect(await run.closed, run.stderr()).not.toBe(0);
    expect(await run.states()).toEqual([]);
  }, 120_000);
});

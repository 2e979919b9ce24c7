/**
 * Faults tell the truth, end to end from the CLI on a real Docker Engine: an
 * engine killed (SIGKILL) or shut down (SIGTERM) mid-run, on an engine of the
 * test's own (./helpers/throwaway-engine.ts), fails the run with that said,
 * error.json and exit 1 (it used to exit 0 with nothing); a container removed
 * from outside is reported as such; every sequence of SIGINT/SIGTERM/SIGHUP
 * removes every container within the bound and writes error.json; a full
 * disk under --out is named, with the outputs still on stdout.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../src/backends/engine/index.js";
import { LABEL_OWNER_PID } from "../../src/backends/engine/labels.js";
import { dockerHost, dockerSkipReason, root, spawnRun, tempDir } from "./kit.js";
import { ThrowawayEngine } from "./helpers/throwaway-engine.js";

const isRoot = process.getuid?.() === 0;
const skip = dockerSkipReason() || (isRoot ? "" : "these tests start an engine of their own, which needs root");

/** Two tasks that run until stopped; `ignoreTerm` makes their commands ignore SIGTERM. */
const LONG = (ignoreTerm = false) => `version 1.1
task long { input { Int i } command <<< ${ignoreTerm ? "trap '' TERM; " : ""}echo started ~{i}; echo oops >&2; sleep 300 >>> runtime { docker: "ubuntu:latest" cpu: 1 } }
workflow w { scatter (i in range(2)) { call long { input: i = i } } }
`;

/** Starts `wdlrun run` of `wdl` on the engine at `host` and resolves once `n` of its containers run. */
async function runUntilRunning(wdl: string, host: string, n = 2, env: Record<string, string> = {}) {
  const dir = tempDir("wdlrun-faults-");
  const file = path.join(dir, "main.wdl");
  writeFileSync(file, wdl);
  const child = spawnRun(file, "docker", path.join(dir, "runs"), { DOCKER_HOST: host, WDLRUN_RESOURCES_CPU: String(n), ...env });
  let stderr = "";
  let stdout = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
  const containers = () => connect(host).listContainers({ all: true, filters: { label: [`${LABEL_OWNER_PID}=${child.pid}`] } });
  const t0 = Date.now();
  while ((await containers()).filter((c) => c.State === "running").length < n) {
    if (child.exitCode !== null || Date.now() - t0 > 60_000) throw new Error(`containers never started: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const runDir = () => path.join(dir, "runs", "latest");
  return { child, stderr: () => stderr, stdout: () => stdout, closed, containers, runDir };
}

describe.skipIf(skip !== "")(`faults on Docker${skip ? ` (${skip})` : ""}`, () => {
  describe("the engine goes away mid-run (an engine of the test's own)", () => {
    let engine: ThrowawayEngine | undefined;
    beforeAll(() => {
      engine = ThrowawayEngine.start(dockerHost());
    }, 240_000);
    afterAll(async () => {
      await engine?.discard();
    }, 60_000);

    it("SIGKILL of dockerd: the attempts fail with \"stopped answering\", error.json, exit 1, within seconds", async () => {
      const run = await runUntilRunning(LONG(), engine!.host);
      const killedAt = Date.now();
      engine!.signal("SIGKILL");
      const code = await run.closed;
      expect(Date.now() - killedAt).toBeLessThan(15_000);
      expect(code, run.stderr()).toBe(1);
      expect(run.stderr()).toContain(`the Docker Engine at ${engine!.host} stopped answering while call-long-000`);
      expect(run.stdout()).toBe("");
      expect(existsSync(path.join(run.runDir(), "outputs.json"))).toBe(false);
      const report = JSON.parse(readFileSync(path.join(run.runDir(), "error.json"), "utf8")) as { failures: { reason: string }[] };
      expect(report.failures).toHaveLength(2);
      for (const f of report.failures) expect(f.reason).toMatch(/stopped answering/);

      // Once the engine is back, the next run sweeps what the dead engine kept.
      await engine!.restart(dockerHost());
      const next = await runUntilRunning(LONG(), engine!.host, 1);
      expect(next.stderr()).toMatch(/removed 2 container\(s\) left by earlier wdlrun runs/);
      next.child.kill("SIGHUP");
      expect(await next.closed).toBe(130);
    }, 240_000);

    it("SIGTERM of dockerd: reported as the engine shutting down and stopping the containers, not as exit code 143", async () => {
      const run = await runUntilRunning(LONG(), engine!.host);
      engine!.signal("SIGTERM");
      const code = await run.closed;
      expect(code, run.stderr()).toBe(1);
      expect(run.stderr()).toContain(`the Docker Engine at ${engine!.host} shut down while call-long-000`);
      expect(run.stderr()).not.toContain("the command exited with code 143");
      expect(readFileSync(path.join(run.runDir(), "error.json"), "utf8")).toContain("shut down while");
      await engine!.restart(dockerHost());
    }, 240_000);
  });

  it("a container removed from outside is reported as such, not as exit code 137", async () => {
    const run = await runUntilRunning(LONG(), dockerHost(), 1, { WDLRUN_RESOURCES_CPU: "1" });
    const [c] = (await run.containers()).filter((x) => x.State === "running");
    await connect(dockerHost()).getContainer(c!.Id).remove({ force: true });
    // The failure stops the run: the other call never starts.
    const code = await run.closed;
    expect(code, run.stderr()).toBe(1);
    expect(run.stderr()).toMatch(/the container of call-long-000\d was removed from outside wdlrun while its command ran/);
    expect(await run.containers()).toEqual([]);
  }, 90_000);

  const sequences: { signals: NodeJS.Signals[]; ignoreTerm?: boolean }[] = [
    { signals: ["SIGINT", "SIGHUP"] },
    { signals: ["SIGINT", "SIGINT", "SIGINT"] },
    { signals: ["SIGTERM", "SIGINT", "SIGHUP", "SIGTERM"] },
    { signals: ["SIGHUP", "SIGHUP"], ignoreTerm: true },
  ];
  for (const { signals, ignoreTerm } of sequences) {
    it(`${signals.join(", ")}${ignoreTerm ? " (commands ignore SIGTERM)" : ""}: every container removed within 15 s, error.json, exit 130`, async () => {
      const run = await runUntilRunning(LONG(ignoreTerm), dockerHost());
      const t0 = Date.now();
      // Each signal while the run is still going (one that lands while the process exits is no sequence of this run).
      for (const s of signals) {
        if (run.child.exitCode !== null || run.stderr().includes("run interrupted")) break;
        run.child.kill(s);
        await new Promise((r) => setTimeout(r, 50));
      }
      const code = await run.closed;
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(code, run.stderr()).toBe(130);
      expect(await run.containers()).toEqual([]);
      expect(run.stderr()).toMatch(/aborting running tasks: waiting for 2 running tasks to stop and their containers to go, at most \d+ s more/);
      expect(JSON.parse(readFileSync(path.join(run.runDir(), "error.json"), "utf8"))).toMatchObject({ error: "the run was interrupted" });
      // Docker keeps what the aborted commands printed.
      expect(readFileSync(path.join(run.runDir(), "call-long-0000", "attempt-1", "stdout"), "utf8")).toBe("started 0\n");
    }, 90_000);
  }

  it("a full disk under --out: named, outputs.json never left empty, the outputs still on stdout, exit 1", () => {
    const dir = tempDir("wdlrun-full-");
    const out = path.join(dir, "out");
    mkdirSync(out);
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=300k", "tmpfs", out], { encoding: "utf8" });
    expect(mounted.status, mounted.stderr).toBe(0);
    try {
      const file = path.join(dir, "main.wdl");
      writeFileSync(file, `version 1.1\ntask fill {\n  command <<< head -c 10000000 /dev/zero > big || true >>>\n  output { String done = "yes" }\n}\n`);
      const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "src/cli/main.ts"), "run", file, "--backend", "local", "--out", out], {
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(1);
      expect(JSON.parse(r.stdout)).toEqual({ "fill.done": "yes" });
      expect(r.stderr).toMatch(/cannot write \S+\/outputs\.json: no space left on the device/);
      const runDir = path.join(out, "latest");
      for (const name of ["outputs.json", "error.json"]) {
        const f = path.join(runDir, name);
        if (existsSync(f)) expect(() => JSON.parse(readFileSync(f, "utf8"))).not.toThrow();
      }
    } finally {
      spawnSync("umount", [out]);
    }
  }, 90_000);
});

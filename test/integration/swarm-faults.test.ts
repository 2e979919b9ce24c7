/**
 * Faults tell the truth on swarm too, from the CLI: the manager's engine
 * killed (SIGKILL) mid-run, on a one-node swarm of the test's own
 * (./helpers/throwaway-engine.ts, `swarm init` on a loopback address; never
 * the shared test swarm), fails the run within seconds with that said,
 * error.json and exit 1, and once the engine is back the next run, started at
 * once (the swarm has no leader yet: wdlrun waits for one, never taking it for
 * no swarm), sweeps the services the dead run left.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../src/backends/engine/index.js";
import { LABEL_OWNER_PID } from "../../src/backends/engine/labels.js";
import { dockerHost, dockerSkipReason, runWdl, spawnRun, tempDir } from "./kit.js";
import { ThrowawayEngine } from "./helpers/throwaway-engine.js";

const isRoot = process.getuid?.() === 0;
const skip = dockerSkipReason() || (isRoot ? "" : "these tests start an engine of their own, which needs root");

/** The loopback address the throwaway manager advertises (the test swarm uses 127.0.0.11-14). */
const ADDR = "127.0.0.31";

const LONG = `version 1.1
task long { input { Int i } command <<< echo started ~{i}; sleep 300 >>> runtime { docker: "ubuntu:latest" cpu: 0.25 memory: "32 MiB" } }
workflow w { scatter (i in range(2)) { call long { input: i = i } } }
`;

describe.skipIf(skip !== "")(`faults on swarm${skip ? ` (${skip})` : ""}`, () => {
  let engine: ThrowawayEngine | undefined;
  beforeAll(() => {
    engine = ThrowawayEngine.start(dockerHost());
    const init = spawnSync("docker", ["swarm", "init", "--advertise-addr", ADDR, "--listen-addr", `${ADDR}:2377`], {
      env: { ...process.env, DOCKER_HOST: engine.host },
      encoding: "utf8",
      timeout: 60_000,
    });
    if (init.status !== 0) throw new Error(`swarm init failed: ${init.stderr}`);
  }, 240_000);
  afterAll(async () => {
    await engine?.discard();
  }, 60_000);

  it('SIGKILL of the manager\'s dockerd: the attempts fail with "stopped answering", error.json, exit 1, within seconds; the next run sweeps the services', async () => {
    const dir = tempDir("wdlrun-swarm-faults-");
    const file = path.join(dir, "main.wdl");
    writeFileSync(file, LONG);
    const child = spawnRun(file, "swarm", path.join(dir, "runs"), { DOCKER_HOST: engine!.host });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
    const running = async () =>
      (await connect(engine!.host).listContainers({ filters: { label: [`${LABEL_OWNER_PID}=${child.pid}`], status: ["running"] } })).length;
    const t0 = Date.now();
    while ((await running()) < 2) {
      if (child.exitCode !== null || Date.now() - t0 > 90_000) throw new Error(`the tasks never started: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const killedAt = Date.now();
    engine!.signal("SIGKILL");
    const code = await closed;
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    expect(code, stderr).toBe(1);
    expect(stderr).toContain(`the Docker Engine at ${engine!.host} stopped answering while call-long-000`);
    expect(stdout).toBe("");
    const runDir = path.join(dir, "runs", "latest");
    expect(existsSync(path.join(runDir, "outputs.json"))).toBe(false);
    const report = JSON.parse(readFileSync(path.join(runDir, "error.json"), "utf8")) as { failures: { reason: string }[] };
    expect(report.failures).toHaveLength(2);
    for (const f of report.failures) expect(f.reason).toMatch(/stopped answering/);

    // Once the engine is back (the swarm with it), the next run removes the services the dead run left:
    // started at once, it finds the manager answering before its swarm has a leader again, and waits for one.
    await engine!.restart(dockerHost());
    const next = await runWdl(`version 1.1\ntask t { command <<< echo hi >>> runtime { docker: "ubuntu:latest" cpu: 0.25 memory: "32 MiB" } }\n`, [], {
      backend: "swarm",
      host: engine!.host,
    });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain("removed 2 service(s) left by earlier wdlrun runs that did not finish");
    expect(await connect(engine!.host).listServices()).toEqual([]);
  }, 240_000);
});

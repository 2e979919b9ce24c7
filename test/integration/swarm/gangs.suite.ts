/**
 * Gangs on the swarm backend (wdlrun's `nodes` hint), end to end from the
 * CLI on the three-node test swarm (./kit.ts): two ranks, one service each
 * on the attempt's own overlay network, reach each other by name over TCP
 * with the variables wdlrun sets; a failing rank stops the other and fails
 * the attempt, which is retried whole; no service or network is left after
 * success, failure or Ctrl-C, and `wdlrun clean` removes both after a killed
 * run. The ranks ask for little CPU, so that the pool
 * places the gang on the manager's node: an overlay across this test swarm's
 * nodes cannot work (all three engines share one kernel, and the second
 * node's VXLAN interface collides with the first's; src/backends/swarm/README.md).
 */
import { readFileSync, realpathSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cleanCommand } from "../../../src/cli/clean.js";
import { connect } from "../../../src/backends/engine/index.js";
import { LABEL_OWNER_PID, LABEL_RUN } from "../../../src/backends/engine/labels.js";
import { root, spawnRun, tempDir } from "../kit.js";
import { runWdl, swarmEngine } from "./kit.js";

const engine = swarmEngine();
const host = engine.host;

/** The example gang (examples/gang-ping), its ranks asking for a quarter of a CPU. */
const EXAMPLE = readFileSync(path.join(root, "examples/gang-ping/gang-ping.wdl"), "utf8").replace("cpu: 1\n", "cpu: 0.25\n");

/** A two-rank task whose ranks print what wdlrun set, then run `tail` (shell). */
const ENV_TASK = (tail: string, extra = "") => `version 1.2
task t {
  command <<<
    echo "RANK=$RANK WORLD_SIZE=$WORLD_SIZE LOCAL_RANK=$LOCAL_RANK NODE_RANK=$NODE_RANK MASTER_ADDR=$MASTER_ADDR MASTER_PORT=$MASTER_PORT host=$(hostname)"
    cat "$WDLRUN_HOSTFILE" | tr '\\n' ' '; echo
    ${tail}
  >>>
  output { Array[String] lines = read_lines(stdout()) }
  requirements { container: "ubuntu:latest" cpu: 0.25 memory: "64 MiB" ${extra} }
  hints { nodes: 2 }
}
`;

/** What the manager still holds of run `runId` (or of the wdlrun process `pid`): services and networks. */
async function leftovers(filter: { runId: string } | { pid: number }): Promise<{ services: string[]; networks: string[] }> {
  const docker = connect(host);
  const label = "runId" in filter ? `${LABEL_RUN}=${filter.runId}` : `${LABEL_OWNER_PID}=${filter.pid}`;
  const services = (await docker.listServices({ filters: { label: [label] } })) as { Spec: { Name: string } }[];
  const networks = await docker.listNetworks({ filters: { label: [label] } });
  return { services: services.map((s) => s.Spec.Name), networks: networks.map((n) => n.Name) };
}

const NOTHING = { services: [], networks: [] };

/** What is left of a run once the manager has settled: it takes a removed overlay away only once the ranks' tasks have let go of it. */
async function settled(filter: { runId: string } | { pid: number }): Promise<{ services: string[]; networks: string[] }> {
  const t0 = Date.now();
  let left = await leftovers(filter);
  while (left.services.length + left.networks.length > 0 && Date.now() - t0 < 15_000) {
    await new Promise((r) => setTimeout(r, 250));
    left = await leftovers(filter);
  }
  return left;
}

describe.skipIf(engine.skipReason !== "")(`gangs on swarm${engine.skipReason ? ` (${engine.skipReason})` : ""}`, () => {
  it("two ranks exchange a message over TCP by name (the example), each rank's stdout kept, nothing left", async () => {
    const run = await runWdl(EXAMPLE, ["ranks=2"], "swarm", host);
    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs).toEqual({ "gang_ping.heard": ["hello from rank 1 of 2 (rank-1)"] });
    expect(run.stderr).toContain("call-ping: attempt 1 started (2 ranks)");
    const attempt = path.join(run.runDir, "call-ping", "attempt-1");
    expect(readFileSync(path.join(attempt, "rank-1", "stdout"), "utf8")).toBe("ack from rank 0\n");
    expect(readFileSync(path.join(attempt, "hostfile"), "utf8")).toBe("rank-0\nrank-1\n");
    expect(await settled({ runId: run.runId })).toEqual(NOTHING);
  }, 120_000);

  it("three ranks each reach rank 0 over TCP by name", async () => {
    const run = await runWdl(EXAMPLE, ["ranks=3"], "swarm", host);
    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs).toEqual({ "gang_ping.heard": ["hello from rank 1 of 3 (rank-1)", "hello from rank 2 of 3 (rank-2)"] });
    const attempt = path.join(run.runDir, "call-ping", "attempt-1");
    for (const k of [1, 2]) expect(readFileSync(path.join(attempt, `rank-${k}`, "stdout"), "utf8")).toBe("ack from rank 0\n");
    expect(await settled({ runId: run.runId })).toEqual(NOTHING);
  }, 120_000);

  it("sets RANK, WORLD_SIZE, LOCAL_RANK, NODE_RANK, MASTER_ADDR, MASTER_PORT and the hostfile in every rank", async () => {
    const run = await runWdl(ENV_TASK("echo done"), [], "swarm", host);
    expect(run.code, run.stderr).toBe(0);
    const attempt = path.join(run.runDir, "call-t", "attempt-1");
    for (const k of [0, 1]) {
      expect(readFileSync(path.join(attempt, ...(k === 0 ? [] : [`rank-${k}`]), "stdout"), "utf8")).toBe(
        `RANK=${k} WORLD_SIZE=2 LOCAL_RANK=0 NODE_RANK=${k} MASTER_ADDR=rank-0 MASTER_PORT=29500 host=rank-${k}\nrank-0 rank-1 \ndone\n`,
      );
    }
    expect(await settled({ runId: run.runId })).toEqual(NOTHING);
  }, 120_000);

  it("a failing rank stops the other and fails the attempt, which is retried whole; nothing left", async () => {
    // Rank 1 fails at once; rank 0 would sleep for minutes unless stopped.
    const wdl = ENV_TASK(`if [ "$RANK" = 1 ]; then echo "rank 1 gives up" >&2; exit 3; fi; sleep 300`, "max_retries: 1");
    const t0 = Date.now();
    const run = await runWdl(wdl, [], "swarm", host);
    expect(Date.now() - t0).toBeLessThan(90_000);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain("rank 1 of 2 failed, the others were stopped: the command exited with code 3; retrying (attempt 2 of 2)");
    expect(run.stderr).toContain("rank 1 gives up");
    for (const n of [1, 2]) {
      const attempt = path.join(run.runDir, "call-t", `attempt-${n}`);
      expect(readFileSync(path.join(attempt, "rank-1", "stderr"), "utf8")).toBe("rank 1 gives up\n");
      expect(readFileSync(path.join(attempt, "stdout"), "utf8")).toMatch(/^RANK=0 /);
    }
    expect(await settled({ runId: run.runId })).toEqual(NOTHING);
  }, 150_000);

  it("Ctrl-C twice stops every rank and removes the services and the network", async () => {
    const gang = await startSleepingGang();
    expect((await leftovers({ pid: gang.pid })).networks).toHaveLength(1);
    // The first lets running tasks finish; the second aborts them.
    gang.child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 300));
    gang.child.kill("SIGINT");
    expect(await gang.closed, gang.stderr()).toBe(130);
    expect(await settled({ pid: gang.pid })).toEqual(NOTHING);
  }, 150_000);

  it("places ranks that no one node holds together on several nodes; here the overlay cannot span them, said in one line, nothing left", async () => {
    // Each rank takes every CPU of a node: rank 0 on the manager's, rank 1 on a worker.
    const run = await runWdl(ENV_TASK("echo done").replace("cpu: 0.25", `cpu: ${cpus().length}`), [], "swarm", host);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/cannot start a rank of call-t on swarm node .*: the gang's overlay network could not join it \(.*vxlan interface: file exists\); this happens when swarm nodes share one kernel/);
    expect(await settled({ runId: run.runId })).toEqual(NOTHING);
  }, 120_000);

  it("refuses a gang whose ranks need GPUs before anything runs (swarm rejects GPU services on a network), in one line", async () => {
    const run = await runWdl(ENV_TASK("echo done").replace('memory: "64 MiB"', 'memory: "64 MiB" gpu: true'), [], "swarm", host);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      'asks for a gang of 2 ranks (hints.nodes = 2) that need GPUs, which the swarm backend cannot run: swarm rejects a service that asks for GPUs (generic resources) and is attached to a network ("assigned node no longer meets constraints")',
    );
    expect(await settled({ runId: run.runId })).toEqual(NOTHING);
  }, 60_000);

  it("wdlrun clean removes a killed run's ranks and its network", async () => {
    const gang = await startSleepingGang();
    gang.child.kill("SIGKILL");
    await gang.closed;
    const runId = gang.runId();
    expect((await leftovers({ runId })).services).toHaveLength(2);
    const lines: string[] = [];
    expect(await cleanCommand({ run: runId, host }, (l) => lines.push(l))).toBe(0);
    expect(lines.at(-1)).toBe(`removed 2 service(s) and 1 network(s), kept 0 (engine ${host})`);
    expect(await settled({ runId })).toEqual(NOTHING);
  }, 150_000);
});

/** Starts `wdlrun run` of a two-rank gang that sleeps; resolves once both ranks run. */
async function startSleepingGang() {
  const dir = tempDir("wdlrun-swarm-gang-");
  const file = path.join(dir, "main.wdl");
  writeFileSync(file, ENV_TASK("sleep 300"));
  const child = spawnRun(file, "swarm", path.join(dir, "runs"), { DOCKER_HOST: host });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
  const pid = child.pid!;
  const running = async () =>
    ((await connect(host).listTasks({ filters: { label: [`${LABEL_OWNER_PID}=${pid}`] } })) as { Status?: { State?: string } }[]).filter((t) => t.Status?.State === "running").length;
  const t0 = Date.now();
  while ((await running()) < 2) {
    if (child.exitCode !== null || Date.now() - t0 > 90_000) {
      child.kill("SIGHUP");
      throw new Error(`the ranks never started: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, pid, closed, stderr: () => stderr, runId: () => path.basename(realpathSync(path.join(dir, "runs", "latest"))) };
}

/**
 * Gangs on the docker backend (wdlrun's `nodes` hint), end to end from the
 * CLI on a real engine, Docker and Podman: two and three ranks reach each
 * other by name over TCP on the attempt's own network with the variables
 * wdlrun sets; a failing rank stops the others and fails the attempt, which
 * is retried whole; nothing (containers, networks) is left after success,
 * failure or Ctrl-C. On Docker also: a gang that does not fit yet waits and
 * then starts whole (never a rank before the others), and two gangs that
 * cannot run together take turns; a gang the engine cannot start leaves no
 * network; `wdlrun clean` and the start-of-run sweep remove what a killed run
 * left, networks included; the local backend refuses a gang before running
 * anything.
 */
import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cleanCommand } from "../../src/cli/clean.js";
import { connect } from "../../src/backends/engine/index.js";
import { LABEL_OWNER_PID, LABEL_RUN } from "../../src/backends/engine/labels.js";
import { dockerHost, dockerSkipReason, root, runWdl, spawnRun, tempDir, testEngines, type TestEngine } from "./kit.js";

const skip = dockerSkipReason();
const EXAMPLE = readFileSync(path.join(root, "examples/gang-ping/gang-ping.wdl"), "utf8");

/** What the engine at `host` still holds of run `runId` (or of the wdlrun process `pid`): containers and networks. */
async function leftovers(filter: { runId: string } | { pid: number }, host = dockerHost()): Promise<{ containers: string[]; networks: string[] }> {
  const docker = connect(host);
  const label = "runId" in filter ? `${LABEL_RUN}=${filter.runId}` : `${LABEL_OWNER_PID}=${filter.pid}`;
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
  const networks = await docker.listNetworks({ filters: { label: [label] } });
  return { containers: containers.map((c) => c.Names?.[0] ?? c.Id), networks: networks.map((n) => n.Name) };
}

const NOTHING = { containers: [], networks: [] };

/** A task whose ranks print what wdlrun set, then `tail` (shell). */
const ENV_TASK = (nodes: number, tail: string, extra = "") => `version 1.2
task t {
  command <<<
    echo "RANK=$RANK WORLD_SIZE=$WORLD_SIZE LOCAL_RANK=$LOCAL_RANK NODE_RANK=$NODE_RANK MASTER_ADDR=$MASTER_ADDR MASTER_PORT=$MASTER_PORT host=$(hostname)"
    cat "$WDLRUN_HOSTFILE" | tr '\\n' ' '; echo
    ${tail}
  >>>
  output { Array[String] lines = read_lines(stdout()) }
  requirements { container: "python:latest" cpu: 1 memory: "128 MiB" ${extra} }
  hints { nodes: ${nodes} }
}
`;

describe.each(testEngines())("gangs on $name", (engine: TestEngine) => {
  const on = { backend: "docker" as const, host: engine.host };
  const left = (filter: { runId: string } | { pid: number }) => leftovers(filter, engine.host);
  const onEngine = it.skipIf(engine.skip !== "");

  onEngine("two ranks exchange a message over TCP (the example), each rank's stdout kept, nothing left", async () => {
    const run = await runWdl(EXAMPLE, ["ranks=2"], { ...on, env: { WDLRUN_RESOURCES_CPU: "2" } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs).toEqual({ "gang_ping.heard": ["hello from rank 1 of 2 (rank-1)"] });
    expect(run.stderr).toContain("call-ping: attempt 1 started (2 ranks)");
    const attempt = path.join(run.runDir, "call-ping", "attempt-1");
    expect(readFileSync(path.join(attempt, "rank-1", "stdout"), "utf8")).toBe("ack from rank 0\n");
    expect(existsSync(path.join(attempt, "rank-0"))).toBe(false);
    expect(readFileSync(path.join(attempt, "hostfile"), "utf8")).toBe("rank-0\nrank-1\n");
    expect(JSON.parse(readFileSync(path.join(attempt, "requirements.json"), "utf8"))).toMatchObject({ nodes: 2 });
    expect(JSON.parse(readFileSync(path.join(attempt, "usage.json"), "utf8"))).toMatchObject({ requested: { cpu: 1, ranks: 2 }, used: { ranks: "rank 0 of 2" } });
    const report = readFileSync(path.join(run.runDir, "report.html"), "utf8");
    expect(report).toContain("1 × 2 ranks");
    expect(report).toContain("(rank 0 of 2)");
    expect(await left({ runId: path.basename(run.runDir) })).toEqual(NOTHING);
  }, 90_000);

  onEngine("three ranks all reach rank 0, also with docker.network = none (an internal network)", async () => {
    const run = await runWdl(EXAMPLE, ["ranks=3"], { ...on, env: { WDLRUN_RESOURCES_CPU: "3", WDLRUN_DOCKER_NETWORK: "none" } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs).toEqual({ "gang_ping.heard": ["hello from rank 1 of 3 (rank-1)", "hello from rank 2 of 3 (rank-2)"] });
    const attempt = path.join(run.runDir, "call-ping", "attempt-1");
    for (const k of [1, 2]) expect(readFileSync(path.join(attempt, `rank-${k}`, "stdout"), "utf8")).toBe("ack from rank 0\n");
    expect(await left({ runId: path.basename(run.runDir) })).toEqual(NOTHING);
  }, 90_000);

  onEngine("sets RANK, WORLD_SIZE, LOCAL_RANK, NODE_RANK, MASTER_ADDR, MASTER_PORT and the hostfile in every rank, over the task's env", async () => {
    const wdl = ENV_TASK(3, "echo done").replace("command <<<", "input { env String RANK = \"user\" }\n  command <<<");
    const run = await runWdl(wdl, [], { ...on, env: { WDLRUN_RESOURCES_CPU: "3" } });
    expect(run.code, run.stderr).toBe(0);
    const attempt = path.join(run.runDir, "call-t", "attempt-1");
    const rankOut = (k: number) => readFileSync(k === 0 ? path.join(attempt, "stdout") : path.join(attempt, `rank-${k}`, "stdout"), "utf8");
    for (const k of [0, 1, 2]) {
      expect(rankOut(k)).toBe(
        `RANK=${k} WORLD_SIZE=3 LOCAL_RANK=0 NODE_RANK=${k} MASTER_ADDR=rank-0 MASTER_PORT=29500 host=rank-${k}\nrank-0 rank-1 rank-2 \ndone\n`,
      );
    }
    expect(await left({ runId: path.basename(run.runDir) })).toEqual(NOTHING);
  }, 90_000);

  onEngine("a failing rank stops the others and fails the attempt, which is retried whole; nothing left", async () => {
    // Rank 1 fails at once; rank 0 would sleep for minutes unless stopped.
    const wdl = ENV_TASK(2, `if [ "$RANK" = 1 ]; then echo "rank 1 gives up" >&2; exit 3; fi; sleep 300`, "max_retries: 1");
    const t0 = Date.now();
    const run = await runWdl(wdl, [], { ...on, env: { WDLRUN_RESOURCES_CPU: "2" } });
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain("rank 1 of 2 failed, the others were stopped: the command exited with code 3; retrying (attempt 2 of 2)");
    expect(run.stderr).toContain("rank 1 of 2 failed, the others were stopped: the command exited with code 3 (attempt 2)");
    expect(run.stderr).toContain("rank 1 gives up");
    for (const n of [1, 2]) {
      const attempt = path.join(run.runDir, "call-t", `attempt-${n}`);
      expect(readFileSync(path.join(attempt, "rank-1", "stderr"), "utf8")).toBe("rank 1 gives up\n");
      expect(readFileSync(path.join(attempt, "stdout"), "utf8")).toMatch(/^RANK=0 /);
    }
    const error = JSON.parse(readFileSync(path.join(run.runDir, "error.json"), "utf8")) as { failures: { exitCode?: number; stderrTail?: string[] }[] };
    expect(error.failures[0]).toMatchObject({ exitCode: 3, stderrTail: ["rank 1 gives up"] });
    expect(await left({ runId: path.basename(run.runDir) })).toEqual(NOTHING);
  }, 120_000);

  onEngine("Ctrl-C twice stops every rank and removes the containers and the network", async () => {
    const gang = await startSleepingGang(engine.host);
    expect((await left({ pid: gang.pid })).networks).toHaveLength(1);
    // The first lets running tasks finish; the second aborts them.
    gang.child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 300));
    gang.child.kill("SIGINT");
    expect(await gang.closed, gang.stderr()).toBe(130);
    expect(await left({ pid: gang.pid })).toEqual(NOTHING);
  }, 90_000);
});

describe.skipIf(skip !== "")(`gangs on Docker${skip ? ` (${skip})` : ""}`, () => {
  it("a gang with more ranks than free CPUs waits, then starts whole (never a rank before the others)", async () => {
    // Two CPUs: `hold` takes one for a few seconds; the two-rank gang is ready meanwhile (after `quick`), with one CPU free.
    const wdl = `version 1.2
task hold { command <<< sleep 5; date +%s.%N >>> output { Float end = read_float(stdout()) } requirements { container: "ubuntu:latest" cpu: 1 memory: "64 MiB" } }
task quick { command <<< date +%s.%N >>> output { Float end = read_float(stdout()) } requirements { container: "ubuntu:latest" cpu: 1 memory: "64 MiB" } }
task gang {
  input { Float after }
  command <<< echo "~{after}"; date +%s.%N > "start-$RANK"; sleep 1 >>>
  output { Float start0 = read_float("start-0") Float start1 = read_float("start-1") }
  requirements { container: "ubuntu:latest" cpu: 1 memory: "64 MiB" }
  hints { nodes: 2 }
}
workflow w {
  call hold
  call quick
  call gang { input: after = quick.end }
  output { Float hold_end = hold.end Float quick_end = quick.end Float start0 = gang.start0 Float start1 = gang.start1 }
}
`;
    const run = await runWdl(wdl, [], { backend: "docker", env: { WDLRUN_RESOURCES_CPU: "2" } });
    expect(run.code, run.stderr).toBe(0);
    const o = run.outputs as Record<string, number>;
    // The gang was ready seconds before `hold` ended, and waited for it: both ranks started after it, together.
    expect(o["w.hold_end"]! - o["w.quick_end"]!).toBeGreaterThan(2);
    expect(o["w.start0"]!).toBeGreaterThan(o["w.hold_end"]!);
    expect(o["w.start1"]!).toBeGreaterThan(o["w.hold_end"]!);
    expect(Math.abs(o["w.start0"]! - o["w.start1"]!)).toBeLessThan(3);
    expect(await leftovers({ runId: path.basename(run.runDir) })).toEqual(NOTHING);
  }, 120_000);

  it("two gangs that cannot run together take turns (no deadlock), each whole", async () => {
    const wdl = `version 1.2
task gang {
  input { Int i }
  command <<< s=$(date +%s.%N); sleep 2; echo "$s $(date +%s.%N)" > "span-$RANK" >>>
  output { Array[String] spans = [read_string("span-0"), read_string("span-1")] }
  requirements { container: "ubuntu:latest" cpu: 1 memory: "64 MiB" }
  hints { nodes: 2 }
}
workflow w { scatter (i in range(2)) { call gang { i } } output { Array[Array[String]] spans = gang.spans } }
`;
    const run = await runWdl(wdl, [], { backend: "docker", env: { WDLRUN_RESOURCES_CPU: "3" } });
    expect(run.code, run.stderr).toBe(0);
    const gangs = (run.outputs["w.spans"] as string[][]).map((ranks) => ranks.map((s) => s.split(" ").map(Number) as [number, number]));
    const [a, b] = gangs.map((ranks) => ({ start: Math.min(...ranks.map((r) => r[0])), end: Math.max(...ranks.map((r) => r[1])) }));
    // One gang ran after the other; never three ranks at once on three CPUs.
    expect(a!.end <= b!.start || b!.end <= a!.start).toBe(true);
    expect(await leftovers({ runId: path.basename(run.runDir) })).toEqual(NOTHING);
  }, 120_000);

  it("wdlrun clean removes the ranks and the network a killed run left", async () => {
    const gang = await startSleepingGang();
    gang.child.kill("SIGKILL");
    await gang.closed;
    const left = await leftovers({ pid: gang.pid });
    expect(left.containers).toHaveLength(2);
    expect(left.networks).toHaveLength(1);
    const runId = gang.runId();
    const lines: string[] = [];
    expect(await cleanCommand({ run: runId, host: dockerHost() }, (l) => lines.push(l))).toBe(0);
    expect(lines).toContain(`removed network ${left.networks[0]!} (run ${runId}, call-t): its owner (pid ${gang.pid}) has exited`);
    expect(lines[lines.length - 1]).toBe(`removed 2 container(s) and 1 network(s), kept 0 (engine ${dockerHost()})`);
    expect(await leftovers({ pid: gang.pid })).toEqual(NOTHING);
  }, 90_000);

  it("the next run's start-of-run sweep removes the ranks and the network a killed run left", async () => {
    const gang = await startSleepingGang();
    gang.child.kill("SIGKILL");
    await gang.closed;
    expect((await leftovers({ pid: gang.pid })).networks).toHaveLength(1);
    const next = await runWdl(ENV_TASK(1, "echo next"), [], { backend: "docker" });
    expect(next.code, next.stderr).toBe(0);
    // The engine may be shared: other leftovers may be counted too, and another run's sweep may take some of these first.
    expect(next.stderr).toMatch(/removed (\d+ container\(s\)|\d+ network\(s\)|\d+ container\(s\) and \d+ network\(s\)) left by earlier wdlrun runs that did not finish/);
    expect(await leftovers({ pid: gang.pid })).toEqual(NOTHING);
  }, 90_000);

  it("a rank killed for memory fails the attempt, saying which rank and why", async () => {
    const hog = `if [ "$RANK" = 1 ]; then exec python3 -c "b = bytearray(512 * 1024 * 1024); print(len(b))"; fi; sleep 300`;
    const run = await runWdl(ENV_TASK(2, hog).replace("hints {", 'hints { max_memory: "64 MiB"'), [], { backend: "docker", env: { WDLRUN_RESOURCES_CPU: "2" } });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain("rank 1 of 2 failed, the others were stopped: killed: out of memory (exit code 137)");
    expect(await leftovers({ runId: path.basename(run.runDir) })).toEqual(NOTHING);
  }, 90_000);

  it("more gangs at once than the engine has networks for: the others wait for a network; with none of wdlrun's up, a clear error", async () => {
    const docker = connect(dockerHost());
    const fillers: string[] = [];
    try {
      // Take every address pool the engine has left.
      for (;;) {
        const name = `wdlrun-test-filler-${process.pid}-${fillers.length}`;
        const made = await docker.createNetwork({ Name: name, Labels: { "org.wdlrun.test-filler": "1" } }).then(() => true, () => false);
        if (!made) break;
        fillers.push(name);
      }
      expect(fillers.length).toBeGreaterThan(0);
      const none = await runWdl(ENV_TASK(2, "echo hi"), [], { backend: "docker", env: { WDLRUN_RESOURCES_CPU: "2" } });
      expect(none.code, none.stderr).toBe(1);
      expect(none.stderr).toContain("no network for the gang of call-t: the engine has no address pool left for one more (engine says: ");
      expect(none.stderr).toContain("docker network prune");
      // One pool free, two gangs admitted at once: the second waits for the first's network.
      await docker.getNetwork(fillers.pop()!).remove();
      const wdl = `version 1.2
task gang { input { Int i } command <<< echo ~{i}; sleep 1 >>> requirements { container: "ubuntu:latest" cpu: 1 memory: "64 MiB" } hints { nodes: 2 } }
workflow w { scatter (i in range(2)) { call gang { i } } }
`;
      const two = await runWdl(wdl, [], { backend: "docker", env: { WDLRUN_RESOURCES_CPU: "4" } });
      expect(two.code, two.stderr).toBe(0);
      expect(two.stderr).toMatch(/call-gang-000[01]: the engine has no address pool left for one more network; waiting for one of the 1 gangs running to end/);
      expect(await leftovers({ runId: path.basename(two.runDir) })).toEqual(NOTHING);
    } finally {
      await Promise.all(fillers.map((n) => docker.getNetwork(n).remove().catch(() => undefined)));
    }
  }, 120_000);

  it("a gang the engine cannot start (a bind source missing) fails with the engine's reason and leaves no network", async () => {
    const wdl = `version 1.2
task t {
  File missing = "/tmp/wdlrun-gang-test-no-such-file"
  command <<< cat ~{missing} >>>
  requirements { container: "ubuntu:latest" cpu: 1 memory: "64 MiB" }
  hints { nodes: 2 }
}
`;
    const run = await runWdl(wdl, [], { backend: "docker", env: { WDLRUN_RESOURCES_CPU: "2" } });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain("the docker backend could not run it: cannot start call-t: /tmp/wdlrun-gang-test-no-such-file does not exist on the engine's host");
    expect(await leftovers({ runId: path.basename(run.runDir) })).toEqual(NOTHING);
  }, 60_000);

  it("the local backend refuses a gang before running anything, naming the task and the hint", async () => {
    const run = await runWdl(ENV_TASK(2, "echo never"), [], { backend: "local" });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      "t (task t) asks for a gang of 2 ranks (hints.nodes = 2), which the local backend cannot run: it runs each attempt as one process, and the other ranks would be lost; run it with --backend docker",
    );
    expect(run.runDir).toBe("");
  }, 60_000);
});

/** Starts `wdlrun run` of a two-rank gang whose ranks sleep, and resolves once both ranks run. */
async function startSleepingGang(host = dockerHost()) {
  const dir = tempDir("wdlrun-gang-");
  const file = path.join(dir, "main.wdl");
  writeFileSync(file, ENV_TASK(2, "sleep 300"));
  const child = spawnRun(file, "docker", path.join(dir, "runs"), { DOCKER_HOST: host, WDLRUN_RESOURCES_CPU: "2" });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
  const pid = child.pid!;
  const running = async () => (await connect(host).listContainers({ filters: { label: [`${LABEL_OWNER_PID}=${pid}`], status: ["running"] } })).length;
  const t0 = Date.now();
  while ((await running()) < 2) {
    if (child.exitCode !== null || Date.now() - t0 > 60_000) {
      child.kill("SIGHUP");
      throw new Error(`the ranks never started: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, pid, closed, stderr: () => stderr, runId: () => path.basename(realpathSync(path.join(dir, "runs", "latest"))) };
}

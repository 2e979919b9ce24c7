/**
 * The swarm backend against the real three-node test swarm (./kit.ts; the
 * manager's own node advertises two stand-in GPUs as generic resources
 * NVIDIA-GPU, the workers one NVIDIA-GPU and one NVIDIA-H100): its capacity
 * node by node, exact stdout/stderr through the service logs API, exit codes,
 * limits and OOM, clear failures (bind source missing, not a manager),
 * waiting out resources used outside wdlrun, cleanup=false, Ctrl-C and crash
 * recovery leaving no service, the same outputs as the Docker backend, and a
 * throw-away fourth node without the image. GPUs: ./gpus.suite.ts; a node
 * going away: ./node-down.suite.ts; gangs: ./gangs.suite.ts. Those suites run in this file, before
 * its own: the swarm suites share the one test swarm (and one stops a node),
 * so they must run one after another, never beside each other as test files do.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, sweepContainers } from "../../../src/backends/engine/index.js";
import { LABEL_OWNER_PID, LABEL_RUN, attemptLabels, currentOwner } from "../../../src/backends/engine/labels.js";
import { SwarmBackend, SwarmBackendError } from "../../../src/backends/swarm/index.js";
import { defaultConfig } from "../../../src/config/index.js";
import { cleanCommand } from "../../../src/cli/clean.js";
import { doctorCommand } from "../../../src/cli/doctor.js";
import { createBackend } from "../../../src/runtime/backend-factory.js";
import { dockerHost, makeRequest, spawnRun, tempDir, writeHostFile } from "../kit.js";
import { runWdl, startWorker, stopWorker, swarmEngine } from "./kit.js";
import "./gpus.suite.js";
import "./node-down.suite.js";
import "./aborts.suite.js";
import "./gangs.suite.js";

const engine = swarmEngine();
const skip = engine.skipReason;
const host = engine.host;
const never = new AbortController().signal;

async function servicesOf(label: string): Promise<string[]> {
  const list = (await connect(host).listServices({ filters: { label: [label] } })) as { Spec: { Name: string } }[];
  return list.map((s) => s.Spec.Name);
}

describe.skipIf(skip !== "")(`swarm backend${skip ? ` (${skip})` : ""}`, () => {
  let backend: SwarmBackend;
  const notices: string[] = [];
  const runId = `it-swarm-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    backend = await SwarmBackend.open({ host, notice: (l) => notices.push(l) });
  });
  afterAll(async () => {
    await backend?.close();
    await sweepContainers(connect(host), host, { all: true }).catch(() => undefined);
  });

  it("reports each node's cpu, memory and generic-resource GPUs (their ids, and the model a kind names) as its capacity, marking the engine's own node", async () => {
    const cap = await backend.capacity();
    expect(cap.nodes).toHaveLength(3);
    expect(cap.gpuKind).toBe("NVIDIA-GPU");
    expect([...cap.gpuIds].sort()).toEqual(["GPU-node1-a", "GPU-node1-b", "GPU-node2-a", "GPU-node3-h100"]);
    expect(cap.gpuModels).toEqual({ "GPU-node3-h100": { name: "H100" } });
    const own = cap.nodes!.filter((n) => n.local);
    expect(own).toHaveLength(1);
    expect(own[0]!.gpuIds).toEqual(["GPU-node1-a", "GPU-node1-b"]);
    expect(cap.nodes!.map((n) => n.gpuIds.length).sort()).toEqual([1, 1, 2]);
    expect(cap.cpu).toBe(cap.nodes!.reduce((a, n) => a + n.cpu, 0));
  });

  it("collects stdout and stderr byte for byte through the service logs API and reports the exit code", async () => {
    // A 100,000-character line (split into several log frames), a last line without a newline, and stderr apart.
    const req = makeRequest(backend, {
      runId,
      command: 'printf "%s\\n" "$GREETING"; head -c 100000 /dev/zero | tr "\\0" x; echo; printf "tail"; printf "e1\\ne2" >&2; pwd >&2; exit 3',
      env: { GREETING: "hello swarm" },
    });
    const r = await backend.execute(req, never);
    expect(r.exitCode).toBe(3);
    expect(r.oomKilled).toBe(false);
    expect(r.image).toBe("ubuntu:latest");
    expect(readFileSync(req.stdoutFile, "utf8")).toBe(`hello swarm\n${"x".repeat(100_000)}\ntail`);
    expect(readFileSync(req.stderrFile, "utf8")).toBe("e1\ne2/mnt/wdlrun/work\n");
    await r.release();
    expect(await servicesOf(`${LABEL_RUN}=${runId}`)).toEqual([]);
  });

  it("maps files the command wrote (in the work dir and outside the mounts) to the host, owned by the caller", async () => {
    const input = writeHostFile(path.join(tempDir(), "in", "data.txt"), "3\n1\n2\n");
    const req = makeRequest(backend, {
      runId,
      command: `sort -n /mnt/wdlrun/inputs/0/data.txt > sorted.txt; echo elsewhere > /tmp/out.txt; touch /mnt/wdlrun/inputs/0/data.txt 2>/dev/null && echo writable || echo read-only`,
      inputs: [{ host: input }],
    });
    const r = await backend.execute(req, never);
    expect(r.exitCode).toBe(0);
    expect(readFileSync(req.stdoutFile, "utf8")).toBe("read-only\n");
    const sorted = await r.toHost("sorted.txt" as never);
    expect(readFileSync(sorted!, "utf8")).toBe("1\n2\n3\n");
    const outside = await r.toHost("/tmp/out.txt" as never);
    expect(readFileSync(outside!, "utf8")).toBe("elsewhere\n");
    expect(await r.toHost("missing.txt" as never)).toBeUndefined();
    if (process.getuid!() !== 0) expect(statSync(sorted!).uid).toBe(process.getuid!());
    await r.release();
  });

  it("sets cpu and memory as reservations and max_* as limits, and reports an out-of-memory kill", async () => {
    const req = makeRequest(backend, {
      runId,
      command: "python3 -c 'x = bytearray(256 * 1024 * 1024); print(len(x))'",
      resources: { cpu: 0.5, memoryBytes: 64 * 2 ** 20, maxCpu: 1, maxMemoryBytes: 48 * 2 ** 20 },
    });
    const r = await backend.execute(req, never);
    expect(r.exitCode).toBe(137);
    expect(r.oomKilled).toBe(true);
    await r.release();
    const spec = (await connect(host).listServices({ filters: { label: [`${LABEL_RUN}=${runId}`] } })) as unknown[];
    expect(spec).toEqual([]);
  });

  it("runs a task whose max_cpu hint is above its node's CPUs, with no CPU limit (the node refuses such a limit)", async () => {
    const cpus = Math.max(...(await backend.capacity()).nodes!.map((n) => n.cpu));
    const r = await runWdl(
      `version 1.2
task greedy {
  command <<< cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us >>>
  output { String quota = read_string(stdout()) }
  requirements { container: "ubuntu:latest" cpu: 0.25 memory: "32 MiB" }
  hints { max_cpu: ${cpus * 4} }
}
`,
      [],
      "swarm",
      host,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toEqual({ "greedy.quota": "-1" });
  }, 60_000);

  it("says the run directory must be at the same path on every node when a bind source is missing", async () => {
    const gone = path.join(tempDir(), "not-there.txt");
    const req = makeRequest(backend, { runId, command: "true", inputs: [{ host: gone }] });
    const err = await backend.execute(req, never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SwarmBackendError);
    expect((err as Error).message).toContain(`${gone} does not exist on swarm node`);
    expect((err as Error).message).toContain("same path on every node");
    expect(await servicesOf(`${LABEL_RUN}=${runId}`)).toEqual([]);
  });

  it("waits for a node whose GPUs something outside wdlrun holds, says so, then runs", async () => {
    const docker = connect(host);
    const hog = await docker.createService({
      Name: `hog-${process.pid}`,
      TaskTemplate: {
        ContainerSpec: { Image: "ubuntu:latest", Command: ["sleep", "4"] },
        RestartPolicy: { Condition: "none" },
        Resources: { Reservations: { GenericResources: [{ DiscreteResourceSpec: { Kind: "NVIDIA-GPU", Value: 2 } }] } },
      },
    } as never);
    try {
      // Wait until the hog holds both GPUs.
      for (let i = 0; i < 100; i++) {
        const [t] = (await docker.listTasks({ filters: { service: [hog.id] } })) as { Status: { State: string } }[];
        if (t?.Status.State === "running") break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const fresh = await SwarmBackend.open({ host, sweep: false, notice: (l) => notices.push(l) });
      let startedAt = 0;
      let given: readonly string[] | undefined;
      const req = {
        ...makeRequest(fresh, { runId, command: "echo got it", resources: { gpuIds: ["x"], cpu: 0.25 } }),
        onStart: async (facts: { gpuIds?: readonly string[] }) => {
          startedAt = Date.now();
          given = facts.gpuIds;
        },
      };
      const t0 = Date.now();
      const r = await fresh.execute(req, never);
      expect(r.exitCode).toBe(0);
      expect(readFileSync(req.stdoutFile, "utf8")).toBe("got it\n");
      expect(Date.now() - t0).toBeGreaterThan(2_000);
      // Reported started when its container started (after the hog), not while it waited for the GPUs; with the GPU swarm gave it.
      expect(startedAt - t0).toBeGreaterThan(2_000);
      expect(given).toHaveLength(1);
      expect(given![0]).toMatch(/^GPU-node1-[ab]$/);
      expect(notices.some((n) => /call-test: swarm found no suitable node .*waiting/.test(n))).toBe(true);
      await r.release();
      await fresh.close();
    } finally {
      await hog.remove().catch(() => undefined);
    }
  });

  it("keeps the service with cleanup = false, and the start-of-run sweep spares it while clean removes it", async () => {
    const kept: string[] = [];
    const keeper = await SwarmBackend.open({ host, cleanup: false, sweep: false, notice: (l) => kept.push(l) });
    expect(kept).toContain(
      "cleanup = false: each attempt's service is kept after it ends (docker service ls --filter label=org.wdlrun.run=<run directory name>); wdlrun clean removes them",
    );
    const req = makeRequest(keeper, { runId: `${runId}-keep`, command: "echo kept" });
    const r = await keeper.execute(req, never);
    await r.release();
    await keeper.close();
    expect(await servicesOf(`${LABEL_RUN}=${runId}-keep`)).toHaveLength(1);
    const again = await SwarmBackend.open({ host });
    expect(await servicesOf(`${LABEL_RUN}=${runId}-keep`)).toHaveLength(1);
    await again.close();
    const swept = await sweepContainers(connect(host), host, { runId: `${runId}-keep`, all: true });
    expect(swept.some((s) => s.name.startsWith("service wdlrun-call-test-a1-") && s.removed)).toBe(true);
    expect(await servicesOf(`${LABEL_RUN}=${runId}-keep`)).toEqual([]);
  });

  it("refuses to open on an engine that is not in a swarm, saying what to do", async () => {
    const err = await SwarmBackend.open({ host: dockerHost(), sweep: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/is not part of a swarm: create one \(`docker swarm init`\).*--backend docker/);
  });

  it("is what --backend auto picks when the engine is a swarm manager", async () => {
    const notes: string[] = [];
    const setup = await createBackend({ ...defaultConfig(), docker: { ...defaultConfig().docker, host } }, (m) => notes.push(m), "auto");
    expect(setup.backend.kind).toBe("swarm");
    expect(notes.join("\n")).toContain("swarm manager");
    await setup.backend.close();
    const plain = await createBackend({ ...defaultConfig(), docker: { ...defaultConfig().docker, host: dockerHost() } }, () => undefined, "auto");
    expect(plain.backend.kind).toBe("docker");
    await plain.backend.close();
  });

  it("wdlrun doctor lists the swarm's nodes with their generic resources and the GPU models their kinds name", async () => {
    const lines: string[] = [];
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = host;
    try {
      await doctorCommand(undefined, { backend: "swarm" }, (line) => lines.push(line));
    } finally {
      process.env.DOCKER_HOST = saved;
    }
    expect(lines).toContainEqual(expect.stringMatching(/^ok {7}swarm: manager of a swarm of 3 nodes$/));
    expect(lines.filter((l) => /^ok {7}swarm: node .*: ready, active, \d+ CPUs, .*NVIDIA-/.test(l))).toHaveLength(3);
    expect(lines).toContainEqual("ok       swarm: GPU models by kind: NVIDIA-H100 as H100");
  }, 60_000);

  it("sizes /dev/shm as the shm_size hint asks (a tmpfs mount: a service has no ShmSize)", async () => {
    const wdl = `version 1.2
task shm {
  command <<< stat -f -c '%b %S' /dev/shm > size >>>
  requirements { container: "ubuntu:latest" cpu: 0.25 memory: "32 MiB" }
  hints { shm_size: "256 MiB" }
  output { String size = read_string("size") }
}
`;
    const r = await runWdl(wdl, [], "swarm", host);
    expect(r.code, r.stderr).toBe(0);
    const [blocks, size] = String(r.outputs["shm.size"]).split(" ").map(Number);
    expect(blocks! * size!).toBe(256 * 1024 ** 2);
  }, 60_000);

  it("gives the same outputs as the Docker backend for the same workflow", async () => {
    const data = writeHostFile(path.join(tempDir(), "data.txt"), "5\n3\n9\n1\n");
    const wdl = `version 1.1
task stats {
  input { File data  Int k }
  command <<<
    set -e
    sort -n ~{data} | head -n ~{k} > top.txt
    wc -l < ~{data} | tr -d ' '
    printf 'partial line without newline' >&2
    mkdir -p outdir && echo "k=~{k}" > outdir/n.txt
    echo "$(basename ~{data})" > /tmp/name.txt
  >>>
  output {
    File top = "top.txt"
    Int lines = read_int(stdout())
    String err = read_string(stderr())
    Array[String] tops = read_lines("top.txt")
    File nested = "outdir/n.txt"
    File name = "/tmp/name.txt"
  }
  runtime { docker: "ubuntu:latest" cpu: 0.25 memory: "128 MiB" }
}
workflow cmp {
  input { File data }
  scatter (k in [1, 2, 3]) { call stats { input: data = data, k = k } }
  output {
    Array[File] tops = stats.top
    Array[Int] lines = stats.lines
    Array[String] errs = stats.err
    Array[Array[String]] topl = stats.tops
    Array[File] nested = stats.nested
    Array[File] names = stats.name
  }
}
`;
    // Files are compared by name and content (their paths are in different run directories). The three
    // tasks fit the manager's own node together, from whose containers /tmp/name.txt can be copied.
    const norm = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(norm)
        : typeof v === "string" && path.isAbsolute(v) && existsSync(v)
          ? { file: path.basename(v), content: readFileSync(v, "utf8") }
          : v;
    const viaSwarm = await runWdl(wdl, [`data=${data}`], "swarm", host);
    const viaDocker = await runWdl(wdl, [`data=${data}`], "docker", dockerHost());
    expect(viaSwarm.code, viaSwarm.stderr).toBe(0);
    expect(viaDocker.code, viaDocker.stderr).toBe(0);
    const s = Object.fromEntries(Object.entries(viaSwarm.outputs).map(([k, v]) => [k, norm(v)]));
    const d = Object.fromEntries(Object.entries(viaDocker.outputs).map(([k, v]) => [k, norm(v)]));
    expect(s).toEqual(d);
    expect(s["cmp.lines"]).toEqual([4, 4, 4]);
    expect(s["cmp.errs"]).toEqual(["partial line without newline", "partial line without newline", "partial line without newline"]);
    expect(await servicesOf(`${LABEL_RUN}=${viaSwarm.runId}`)).toEqual([]);
  }, 60_000);

  /** Starts `wdlrun run --backend swarm` on a scatter of 3 long tasks; resolves once their tasks run. */
  async function startLongRun() {
    const dir = tempDir("wdlrun-swarm-sig-");
    const file = writeHostFile(
      path.join(dir, "main.wdl"),
      `version 1.1
task long { input { Int i } command <<< echo started ~{i}; echo warming >&2; sleep 300 >>> runtime { docker: "ubuntu:latest" cpu: 0.25 memory: "32 MiB" } }
workflow w { scatter (i in range(3)) { call long { input: i = i } } }
`,
    );
    const child = spawnRun(file, "swarm", path.join(dir, "runs"), { DOCKER_HOST: host });
    const attemptFile = (i: number, name: string) => path.join(dir, "runs", "latest", `call-long-000${i}`, "attempt-1", name);
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let gone = false;
    const exited = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => {
        gone = true;
        resolve(code);
      }),
    );
    const label = `${LABEL_OWNER_PID}=${child.pid}`;
    const docker = connect(host);
    const running = async () =>
      ((await docker.listTasks({ filters: { label: [label] } })) as { Status: { State: string } }[]).filter((t) => t.Status.State === "running").length;
    const t0 = Date.now();
    while ((await running()) < 3) {
      if (gone || Date.now() - t0 > 60_000) throw new Error(`services never started: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { attemptFile, child, exited, label, stderr: () => stderr };
  }

  it("Ctrl-C twice mid-run stops the tasks promptly and leaves no service", async () => {
    const run = await startLongRun();
    run.child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    run.child.kill("SIGINT");
    const code = await run.exited;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(code, run.stderr()).not.toBe(0);
    expect(await servicesOf(run.label)).toEqual([]);
    // wdlrun waits until the agent has stopped and removed the task containers before it exits.
    expect(await connect(host).listContainers({ all: true, filters: { label: [run.label] } })).toEqual([]);
    // What the aborted commands printed is kept (collected before their services went).
    for (const i of [0, 1, 2]) {
      expect(readFileSync(run.attemptFile(i, "stdout"), "utf8")).toBe(`started ${i}\n`);
      expect(readFileSync(run.attemptFile(i, "stderr"), "utf8")).toMatch(/^warming\n/);
    }
  }, 90_000);

  it("sweeps the services of a run whose process died when the next run opens the swarm", async () => {
    // What a killed run leaves: services labelled with an owner process that no longer exists.
    const dead = spawnSync("true").pid!;
    const owner = { ...currentOwner(), pid: dead, start: "1" };
    const crashed = `${runId}-crashed`;
    const docker = connect(host);
    for (const i of [0, 1]) {
      const labels = attemptLabels(crashed, `call-long-000${i}`, 1, "gone-session", owner);
      await docker.createService({
        Name: `wdlrun-crashed-${process.pid}-${i}`,
        Labels: labels,
        TaskTemplate: { ContainerSpec: { Image: "ubuntu:latest", Command: ["sleep", "300"], Labels: labels }, RestartPolicy: { Condition: "none" } },
      } as never);
    }
    expect(await servicesOf(`${LABEL_RUN}=${crashed}`)).toHaveLength(2);
    const seen: string[] = [];
    const next = await SwarmBackend.open({ host, notice: (l) => seen.push(l) });
    expect(await servicesOf(`${LABEL_RUN}=${crashed}`)).toEqual([]);
    expect(seen.join("\n")).toMatch(/removed [2-9] service\(s\)( and \d+ container\(s\))? left by earlier wdlrun runs that did not finish/);
    await next.close();
  });

  it("wdlrun clean counts services as services, and takes their task containers with them at once", async () => {
    const owner = { ...currentOwner(), pid: spawnSync("true").pid!, start: "1" };
    const crashed = `${runId}-clean`;
    const docker = connect(host);
    for (const i of [0, 1]) {
      const labels = attemptLabels(crashed, `call-long-000${i}`, 1, "gone-session", owner);
      await docker.createService({
        Name: `wdlrun-clean-${process.pid}-${i}`,
        Labels: labels,
        // On the manager's own node, whose containers this engine lists.
        TaskTemplate: {
          ContainerSpec: { Image: "ubuntu:latest", Command: ["sleep", "300"], Labels: labels },
          RestartPolicy: { Condition: "none" },
          Placement: { Constraints: ["node.role==manager"] },
        },
      } as never);
    }
    const containers = () => docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${crashed}`] } });
    for (let i = 0; i < 100 && (await containers()).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await containers()).toHaveLength(2);

    const dry: string[] = [];
    expect(await cleanCommand({ run: crashed, dryRun: true, host }, (l) => dry.push(l))).toBe(0);
    expect(dry.slice(0, 2).sort()).toEqual(
      [0, 1].map((i) => `would remove service wdlrun-clean-${process.pid}-${i} (run ${crashed}, call-long-000${i}): its owner (pid ${owner.pid}) has exited`),
    );
    expect(dry.slice(2)).toEqual([`would remove 2 service(s), kept 0 (engine ${host})`]);

    const real: string[] = [];
    expect(await cleanCommand({ run: crashed, host }, (l) => real.push(l))).toBe(0);
    expect(real.at(-1)).toBe(`removed 2 service(s), kept 0 (engine ${host})`);
    expect(await servicesOf(`${LABEL_RUN}=${crashed}`)).toEqual([]);
    expect(await containers()).toEqual([]);
  }, 60_000);

  it("keeps the box: inputs at wdlrun's paths whatever their host folder, links out refused, pids limited, no network none", async () => {
    const pwned = path.join(tempDir(), "pwned");
    const input = writeHostFile(path.join(tempDir(), `a 'b' $(touch ${pwned})`, "in.txt"), "hello\n");
    const secret = writeHostFile(path.join(tempDir(), "secret.txt"), "SWARM-HOST-SECRET\n");
    const wdl = (setup: string, out: string) => `version 1.1
task t {
  input { File f }
  command <<<
    cat ~{f}; echo ~{f}; cat /sys/fs/cgroup/pids/pids.max
    ${setup}
  >>>
  output { Array[String] lines = read_lines(stdout())  ${out} }
  runtime { docker: "ubuntu:latest" }
}
`;
    const good = await runWdl(wdl("ln -s ~{f} same", `File same = "same"`), [`f=${input}`], "swarm", host);
    expect(good.code, good.stderr).toBe(0);
    expect(good.outputs["t.lines"]).toEqual(["hello", "/mnt/wdlrun/inputs/0/in.txt", "4096"]);
    // A link to an input comes back under its own name, opening the input.
    expect(good.outputs["t.same"]).toMatch(/\/call-t\/attempt-1\/work\/same$/);
    expect(realpathSync(good.outputs["t.same"] as string)).toBe(realpathSync(input));
    expect(existsSync(pwned)).toBe(false);
    for (const [setup, message] of [
      [`ln -s ${secret} x`, `output x: x is a symbolic link to ${secret}, outside the task's working directory and inputs`],
      [`ln -s / root; ln -s root/${secret.slice(1)} x`, "output x: x: root is a symbolic link to /"],
    ] as const) {
      const bad = await runWdl(wdl(setup, `File x = "x"`), [`f=${input}`], "swarm", host);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(message);
      expect(bad.stderr).not.toContain("SWARM-HOST-SECRET");
    }
    const none = await runWdl(wdl("true", `Int n = 1`), [`f=${input}`], "swarm", host, { WDLRUN_DOCKER_NETWORK: "none" });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`docker.network = "none" cannot be given to swarm services`);
  });
  it("serves a second identical run from the call cache, keyed on the image id the manager resolves", async () => {
    const cacheDir = tempDir("wdlrun-swarm-cache-");
    const env = { WDLRUN_CACHE_ENABLED: "true", WDLRUN_CACHE_DIR: cacheDir };
    const wdl = `version 1.1
task t {
  input { Int i }
  command <<< echo ~{i} > out.txt >>>
  output { File out = "out.txt" }
  runtime { docker: "ubuntu:latest" }
}
workflow w {
  scatter (i in range(2)) { call t { input: i = i } }
  output { Array[File] outs = t.out }
}
`;
    const first = await runWdl(wdl, [], "swarm", host, env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/call cache: 0 calls reused, 2 missed \(2 stored\)/);
    const second = await runWdl(wdl, [], "swarm", host, env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/call cache: 2 calls reused, 0 missed/);
    expect(second.stderr).not.toMatch(/attempt 1 started/);
    const outs = second.outputs["w.outs"] as string[];
    expect(readFileSync(outs[1]!, "utf8")).toBe("1\n");
    const rec = JSON.parse(readFileSync(path.join(second.runDir, "call-t-0001", "attempt-1", "cache.json"), "utf8"));
    expect(rec.result).toBe("hit");
    expect(rec.key.components.backend).toBe("swarm");
    expect(rec.key.components.image).toMatch(/^sha256:[0-9a-f]{64}$/);
  }, 60_000);
  it("records each attempt's usage from its container's cgroup, with the node it ran on", async () => {
    const wdl = `version 1.1
task hog {
  command <<<
    python3 -c "
import time
x = bytearray(100 * 1024 * 1024)
t = time.time()
while time.time() - t < 2.5: pass
"
  >>>
  runtime { docker: "python:latest" memory: "2 GiB" }
  output { String done = "ok" }
}
workflow w { call hog }
`;
    const r = await runWdl(wdl, [], "swarm", host);
    expect(r.code).toBe(0);
    const usage = JSON.parse(readFileSync(path.join(r.runDir, "call-hog", "attempt-1", "usage.json"), "utf8")) as {
      used: { peakMemoryBytes: number; cpuSeconds: number; node: string; source: string };
    };
    expect(usage.used.source).toMatch(/cgroup/);
    expect(usage.used.node).toMatch(/\(/);
    expect(usage.used.peakMemoryBytes).toBeGreaterThan(100 * 1024 * 1024);
    expect(usage.used.cpuSeconds).toBeGreaterThan(0.1);
  }, 120_000);

  describe("with a worker node", () => {
    let worker = "";
    beforeAll(() => {
      worker = startWorker();
    });
    afterAll(() => {
      stopWorker();
    });

    it("refuses to run from a worker, saying to run from a manager; auto then uses plain Docker there", async () => {
      const err = await SwarmBackend.open({ host: worker, sweep: false }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((err as Error).message).toMatch(/is a swarm worker, not a manager: run wdlrun on a manager node .*managers: 127\.0\.0\.11:\d+/);
      const auto = await createBackend({ ...defaultConfig(), docker: { ...defaultConfig().docker, host: worker } }, () => undefined, "auto");
      expect(auto.backend.kind).toBe("docker");
      await auto.backend.close();
    });

    it("refuses before anything runs a task bigger than the largest node though the totals could hold it, naming that node", async () => {
      const fresh = await SwarmBackend.open({ host, sweep: false });
      const cap = await fresh.capacity();
      await fresh.close();
      const largest = Math.max(...cap.nodes!.map((n) => n.cpu));
      expect(cap.cpu).toBeGreaterThan(largest);
      const wdl = `version development
task first {
  command <<< echo should not run >>>
  requirements { container: "ubuntu:latest" cpu: 0.25 memory: "32 MiB" }
}
task wide {
  input { String x }
  command <<< echo should not run >>>
  requirements { container: "ubuntu:latest" cpu: ${largest + 1} memory: "32 MiB" }
}
workflow w {
  call first
  call wide { input: x = "x" }
}
`;
      const r = await runWdl(wdl, [], "swarm", host, { WDLRUN_CLEANUP: "false" });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`w\\.wide \\(task wide\\) requests ${largest + 1} CPUs \\(the largest node, ${hostname()} \\([0-9a-z]{12}\\), has ${largest}\\); a task runs on one node`),
      );
      expect(r.stderr).toContain("nothing was run");
      // What each of the four nodes has.
      expect(r.stderr).toMatch(/; the nodes: ([^;\n]+ \([0-9a-z]{12}\): (no GPU|\d GPUs?) \((NVIDIA-GPU|H100)\), \d+ CPUs, [\d.]+ GiB(; |\n)){4}/);
      expect(r.stderr).not.toContain("GPUs are never clamped");
      // With cleanup = false any service it had created would still be there.
      expect(await servicesOf(`${LABEL_OWNER_PID}=${process.pid}`)).toEqual([]);
      // The GPU count too: 4 in all, at most 2 on one node.
      const gpus = await runWdl(
        `version development
task greedy {
  command <<< echo should not run >>>
  requirements { container: "ubuntu:latest" gpu: true }
  hints { gpu: 3 }
}
workflow w { call greedy }
`,
        [],
        "swarm",
        host,
        { WDLRUN_CLEANUP: "false" },
      );
      expect(gpus.code, gpus.stderr).toBe(2);
      expect(gpus.stderr).toMatch(/w\.greedy \(task greedy\) needs 3 GPUs on one node, and no node has that many: /);
      expect(await servicesOf(`${LABEL_OWNER_PID}=${process.pid}`)).toEqual([]);
    }, 60_000);

    it("places tasks on every node by their own GPUs, and names the node that lacks the image", async () => {
      const workerId = ((await connect(worker).info()) as { Swarm: { NodeID: string } }).Swarm.NodeID;
      const fresh = await SwarmBackend.open({ host, sweep: false });
      const cap = await fresh.capacity();
      expect(cap.nodes).toHaveLength(4);
      expect(cap.gpuIds).toHaveLength(5);
      expect(cap.nodes!.find((n) => n.id === workerId)!.gpuIds).toEqual(["GPU-worker-a"]);
      await fresh.close();
      // Five one-GPU tasks at once: one on each GPU, so one goes to the throw-away worker, which has no image.
      const wdl = `version development
task g {
  input { Int i }
  command <<< sleep 3 >>>
  requirements { container: "ubuntu:latest" cpu: 0.25 memory: "32 MiB" gpu: true }
}
workflow w { scatter (i in range(5)) { call g { input: i = i } } }
`;
      const r = await runWdl(wdl, [], "swarm", host);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`image ubuntu:latest is not in the Docker Engine of swarm node ${hostname()} (${workerId.slice(0, 12)})`);
      expect(r.stderr).toContain("load it on every node");
      expect(await servicesOf(`${LABEL_RUN}=${r.runId}`)).toEqual([]);
    }, 60_000);
  });
});

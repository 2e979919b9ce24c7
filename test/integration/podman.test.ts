/**
 * The docker backend behaves the same on Docker and on Podman (its
 * Docker-compatible API, scripts/setup-podman.sh): each test runs on both
 * engines. Detection (the run's first line; `--backend auto` picks docker on
 * Podman, never swarm), read-only inputs and the work directory, limits as
 * cgroup limits, labels, cleanup, the start-of-run sweep and `wdlrun clean`,
 * an out-of-memory kill reported as one, usage measured from the engine's
 * stats, Ctrl-C twice leaving no container, and GPUs (Podman: CDI devices,
 * given by a stand-in CDI spec; Docker: its device requests' refusal).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connect, sweepContainers } from "../../src/backends/engine/index.js";
import { LABEL_COMMON, LABEL_OWNER_PID, LABEL_RUN, attemptLabels } from "../../src/backends/engine/labels.js";
import { readFlavour } from "../../src/backends/engine/flavour.js";
import { DockerBackend } from "../../src/backends/docker/docker-backend.js";
import { cleanCommand } from "../../src/cli/clean.js";
import { makeRequest, runWdl, spawnRun, tempDir, testEngines, type TestEngine } from "./kit.js";

const never = new AbortController().signal;

/** The run's id (its directory's name). */
const runIdOf = (runDir: string) => path.basename(runDir);

/** The attempt directory of a one-task run. */
const attemptDir = (runDir: string, call = "call-t") => path.join(runDir, call, "attempt-1");

describe.each(testEngines())("the docker backend on $name", (engine: TestEngine) => {
  const skip = engine.skip;
  const docker = () => connect(engine.host);
  const run = (wdl: string, args: string[] = [], env: Record<string, string> = {}, backend: "docker" | "auto" = "docker") =>
    runWdl(wdl, args, { backend, env, host: engine.host });
  const runs: string[] = [];
  afterAll(async () => {
    if (skip === "") for (const runId of runs) await sweepContainers(docker(), engine.host, { runId, all: true });
  });
  const theirs = async (runId: string) => docker().listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runId}`] } });

  it.skipIf(skip !== "")(`is told apart by its version answer and named in the run's first line; auto picks docker${skip ? ` (${skip})` : ""}`, async () => {
    const flavour = await readFlavour(docker());
    expect(flavour.kind).toBe(engine.name);
    expect(flavour.rootless).toBe(false);
    const r = await run(`version 1.1\ntask t { command <<< true >>> runtime { docker: "ubuntu:latest" } }\n`, [], {}, "auto");
    runs.push(runIdOf(r.runDir));
    expect(r.code, r.stderr).toBe(0);
    const name = engine.name === "podman" ? "Podman" : "Docker Engine";
    expect(r.stderr.split("\n")[0]).toBe(`wdlrun: backend docker, ${name} ${flavour.version} at ${engine.host}`);
    expect(r.stderr).not.toMatch(/swarm|services|Not Found/);
  }, 120_000);

  it.skipIf(skip !== "")("mounts inputs read-only and the work dir read-write, and returns the task's files", async () => {
    const dir = tempDir("wdlrun-pm-in-");
    const input = path.join(dir, "in.txt");
    writeFileSync(input, "hello\n");
    const wdl = `version 1.1
task t {
  input { File f }
  command <<<
    cat ~{f} > copy.txt
    if echo x >> ~{f} 2>/dev/null; then echo writable; else echo read-only; fi > verdict.txt
    echo "/tmp says hi" > /tmp/extra.txt
  >>>
  output { File copy = "copy.txt"  String verdict = read_string("verdict.txt")  File extra = "/tmp/extra.txt" }
  runtime { docker: "ubuntu:latest" }
}
`;
    const r = await run(wdl, [`t.f=${input}`]);
    runs.push(runIdOf(r.runDir));
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs["t.verdict"]).toBe("read-only");
    expect(readFileSync(input, "utf8")).toBe("hello\n");
    expect(readFileSync(r.outputs["t.copy"] as string, "utf8")).toBe("hello\n");
    expect(r.outputs["t.extra"]).toMatch(/\/call-t\/attempt-1\/outside\/tmp\/extra.txt$/);
    expect(readFileSync(r.outputs["t.extra"] as string, "utf8")).toBe("/tmp says hi\n");
    expect(await theirs(runIdOf(r.runDir))).toEqual([]);
  }, 120_000);

  it.skipIf(skip !== "")("enforces max_memory and max_cpu as cgroup limits", async () => {
    const wdl = `version 1.2
task t {
  command <<<
    cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max
    cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d' ' -f1 /sys/fs/cgroup/cpu.max
  >>>
  output { Array[String] lines = read_lines(stdout()) }
  requirements { container: "ubuntu:latest" }
  hints { max_memory: "96 MiB"  max_cpu: 0.5 }
}
`;
    const r = await run(wdl);
    runs.push(runIdOf(r.runDir));
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs["t.lines"]).toEqual([String(96 * 2 ** 20), "50000"]);
  }, 120_000);

  it.skipIf(skip !== "")("reports an out-of-memory kill as one, and measures what a task used", async () => {
    const wdl = `version 1.2
task t {
  command <<<
    python3 -c "import time; b = bytearray(40 * 2**20); time.sleep(5); c = bytearray(400 * 2**20)"
  >>>
  requirements { container: "ubuntu:latest" }
  hints { max_memory: "128 MiB" }
}
`;
    const r = await run(wdl);
    runs.push(runIdOf(r.runDir));
    expect(r.code).toBe(1);
    expect(readFileSync(path.join(r.runDir, "error.json"), "utf8")).toContain("killed: out of memory (exit code 137)");
    const usage = JSON.parse(readFileSync(path.join(attemptDir(r.runDir), "usage.json"), "utf8")) as { used?: { peakMemoryBytes?: number; cpuSeconds?: number } };
    expect(usage.used?.peakMemoryBytes).toBeGreaterThan(40 * 2 ** 20);
    expect(usage.used?.cpuSeconds).toBeGreaterThan(0);
  }, 120_000);

  it.skipIf(skip !== "")("labels its containers; cleanup = false keeps them until `wdlrun clean`; the next run sweeps a dead run's", async () => {
    const wdl = `version 1.1\ntask t { command <<< echo kept >>> runtime { docker: "ubuntu:latest" } }\n`;
    const r = await run(wdl, [], { WDLRUN_CLEANUP: "false" });
    const runId = runIdOf(r.runDir);
    runs.push(runId);
    expect(r.code, r.stderr).toBe(0);
    const kept = await theirs(runId);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.Labels?.[LABEL_COMMON]).toBe("1");
    expect(kept[0]!.Labels?.["org.wdlrun.call"]).toBe("call-t");
    const lines: string[] = [];
    // This process (the run's owner) is alive: --all takes the kept container all the same.
    expect(await cleanCommand({ run: runId, all: true, host: engine.host }, (l) => lines.push(l))).toBe(0);
    expect(lines.at(-1)).toBe(`removed 1 container(s), kept 0 (engine ${engine.host})`);
    expect(await theirs(runId)).toEqual([]);

    // A container whose owner is gone (a killed run) is removed when the next run opens the engine.
    const dead = await docker().createContainer({
      Image: "ubuntu:latest",
      Cmd: ["true"],
      Labels: { ...attemptLabels(`dead-${runId}`, "call-dead", 1, "sweep-test"), [LABEL_OWNER_PID]: "4194321" },
    });
    runs.push(`dead-${runId}`);
    const next = await run(wdl);
    runs.push(runIdOf(next.runDir));
    expect(next.code, next.stderr).toBe(0);
    await expect(dead.inspect()).rejects.toMatchObject({ statusCode: 404 });
  }, 120_000);

  it.skipIf(skip !== "")("Ctrl-C twice stops the running tasks at once and leaves no container", async () => {
    const dir = tempDir("wdlrun-pm-sig-");
    const file = path.join(dir, "main.wdl");
    writeFileSync(file, `version 1.1\ntask t { command <<< sleep 300 >>> runtime { docker: "ubuntu:latest" } }\n`);
    const child = spawnRun(file, "docker", path.join(dir, "runs"), { DOCKER_HOST: engine.host });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const containers = () => docker().listContainers({ all: true, filters: { label: [`${LABEL_OWNER_PID}=${child.pid}`] } });
    const t0 = Date.now();
    while ((await containers()).filter((c) => c.State === "running").length < 1) {
      if (child.exitCode !== null || Date.now() - t0 > 60_000) throw new Error(`the container never started: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 300));
    const at = Date.now();
    child.kill("SIGINT");
    const code = await exited;
    expect(Date.now() - at).toBeLessThan(10_000);
    expect(code, stderr).toBe(130);
    expect(await containers()).toEqual([]);
    expect(stderr).toContain("run interrupted");
  }, 90_000);

  describe.skipIf(skip !== "" || engine.name !== "podman")("GPUs as CDI devices", () => {
    // A stand-in CDI spec: two "GPUs" whose only edit is an environment variable (no device exists here).
    const specDir = "/var/run/cdi";
    const spec = path.join(specDir, `wdlrun-test-${process.pid}.yaml`);
    const ids = [`wdlrun-fake-${process.pid}-0`, `wdlrun-fake-${process.pid}-1`];
    afterAll(() => rmSync(spec, { force: true }));

    it("gives an attempt exactly its GPUs as nvidia.com/gpu=<id>, and explains a GPU no CDI spec names", async () => {
      mkdirSync(specDir, { recursive: true });
      writeFileSync(
        spec,
        [
          `cdiVersion: "0.5.0"`,
          `kind: "nvidia.com/gpu"`,
          `devices:`,
          ...ids.flatMap((id, i) => [`  - name: "${id}"`, `    containerEdits:`, `      env: ["WDLRUN_FAKE_GPU_${i}=${id}"]`]),
        ].join("\n") + "\n",
      );
      const backend = await DockerBackend.open({ host: engine.host, sweep: false, notice: () => undefined });
      try {
        expect(backend.flavour.kind).toBe("podman");
        const req = makeRequest(backend, { command: "env | grep WDLRUN_FAKE_GPU | sort; echo NVIDIA_VISIBLE_DEVICES=$NVIDIA_VISIBLE_DEVICES", resources: { gpuIds: [ids[1]!] } });
        const r = await backend.execute(req, never);
        expect(r.exitCode).toBe(0);
        expect(readFileSync(req.stdoutFile, "utf8")).toBe(`WDLRUN_FAKE_GPU_1=${ids[1]}\nNVIDIA_VISIBLE_DEVICES=${ids[1]}\n`);
        await r.release();

        const absent = makeRequest(backend, { command: "true", resources: { gpuIds: ["GPU-absent"] } });
        const err = await backend.execute(absent, never).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(err?.message).toMatch(/^Podman at \S+ cannot give containers GPUs nvidia\.com\/gpu=GPU-absent \(engine says: .*unresolvable CDI devices.*\): generate the NVIDIA CDI spec/);
        expect(err?.message).not.toContain("\n");
      } finally {
        await backend.close();
      }
      expect(existsSync(spec)).toBe(true);
    }, 120_000);
  });
});

/**
 * The Docker backend against a real engine (started by the global setup):
 * commands, files, mounts, limits, OOM, GPUs, images, cleanup and abort.
 */
import { existsSync, lstatSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { containerPath } from "../../src/backends/backend.js";
import { DockerBackend } from "../../src/backends/docker/index.js";
import { DockerBackendError, sweepContainers } from "../../src/backends/engine/index.js";
import { LABEL_COMMON, LABEL_RUN, attemptLabels, currentOwner } from "../../src/backends/engine/labels.js";
import { dockerHost, dockerSkipReason, makeRequest, tempDir, writeHostFile } from "./kit.js";

const skip = dockerSkipReason();
const never = new AbortController().signal;

describe.skipIf(skip !== "")(`Docker backend${skip ? ` (${skip})` : ""}`, () => {
  let backend: DockerBackend;
  const notices: string[] = [];
  const runId = `it-backend-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    backend = await DockerBackend.open({ host: dockerHost(), notice: (l) => notices.push(l), sweep: false });
  });
  afterAll(async () => {
    await backend?.close();
  });

  /** Containers of this test run still in the engine. */
  async function leftovers(): Promise<string[]> {
    const list = await backend.docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runId}`] } });
    return list.map((c) => c.Names[0] ?? c.Id);
  }

  it("runs the command in the work dir with env, capturing stdout, stderr and the exit code", async () => {
    const req = makeRequest(backend, {
      runId,
      command: 'echo "out $GREETING"; echo "err" >&2; pwd; exit 3',
      env: { GREETING: "hello world" },
    });
    const r = await backend.execute(req, never);
    expect(r.exitCode).toBe(3);
    expect(r.oomKilled).toBe(false);
    expect(r.image).toBe("ubuntu:latest");
    expect(readFileSync(req.stdoutFile, "utf8")).toBe("out hello world\n/mnt/wdlrun/work\n");
    expect(readFileSync(req.stderrFile, "utf8")).toBe("err\n");
    await r.release();
    expect(await leftovers()).toEqual([]);
  });

  it("runs the command with the configured shell", async () => {
    const sh = await DockerBackend.open({ host: dockerHost(), shell: "sh", sweep: false });
    const req = makeRequest(sh, { runId, command: 'echo "$0"' });
    const r = await sh.execute(req, never);
    expect(readFileSync(req.stdoutFile, "utf8")).toBe("/mnt/wdlrun/command\n");
    expect(r.exitCode).toBe(0);
    await r.release();
    await sh.close();
  });

  it("mounts inputs read-only at container paths of wdlrun's choosing, one folder per host folder", async () => {
    const d = tempDir();
    const a = writeHostFile(path.join(d, "x", "a.txt"), "A\n");
    const b = writeHostFile(path.join(d, "y", "a.txt"), "B\n");
    writeHostFile(path.join(d, "dir", "inner.txt"), "D\n");
    const dir = path.join(d, "dir");
    const req = makeRequest(backend, {
      runId,
      inputs: [{ host: a }, { host: b }, { host: dir, directory: true }],
      command: [
        "cat /mnt/wdlrun/inputs/0/a.txt /mnt/wdlrun/inputs/1/a.txt /mnt/wdlrun/inputs/2/dir/inner.txt",
        "echo changed > /mnt/wdlrun/inputs/0/a.txt && echo WROTE-FILE",
        "touch /mnt/wdlrun/inputs/2/dir/new && echo WROTE-DIR",
        "ls /mnt/wdlrun/inputs/0",
        `ls ${d} || true`,
        "true",
      ].join("\n"),
    });
    expect(req.layout.inputs.map((i) => i.container)).toEqual(["/mnt/wdlrun/inputs/0/a.txt", "/mnt/wdlrun/inputs/1/a.txt", "/mnt/wdlrun/inputs/2/dir"]);
    const r = await backend.execute(req, never);
    // Only the mounted inputs are visible: ls of their folder shows a.txt and nothing else; the host folder is not there.
    expect(readFileSync(req.stdoutFile, "utf8")).toBe("A\nB\nD\na.txt\n");
    expect(readFileSync(req.stderrFile, "utf8")).toMatch(/Read-only file system[\s\S]*Read-only file system[\s\S]*No such file or directory/);
    expect(readFileSync(a, "utf8")).toBe("A\n");
    expect(existsSync(path.join(dir, "new"))).toBe(false);
    expect(await r.toHost(containerPath("/mnt/wdlrun/inputs/1/a.txt"))).toBe(b);
    expect(await r.toHost(containerPath("/mnt/wdlrun/inputs/2/dir/inner.txt"))).toBe(path.join(dir, "inner.txt"));
    await r.release();
  });

  it("brings back outputs written in the work dir, outside it by absolute path, and through symlinks to the run's files only", async () => {
    const d = tempDir();
    const input = writeHostFile(path.join(d, "in.txt"), "input\n");
    const req = makeRequest(backend, {
      runId,
      inputs: [{ host: input }],
      command: [
        "mkdir -p sub && echo inside > sub/file.txt",
        "echo abs > /mnt/wdlrun/work/abs.txt",
        "mkdir -p /opt/results/deep && echo outside > /opt/results/deep/o.txt && echo top > /tmp/top.txt",
        "ln -s /mnt/wdlrun/inputs/0/in.txt link-to-input",
        "ln -s /tmp/top.txt link-outside",
        "ln -s sub/file.txt link-inside",
        "ln -s /tmp/top.txt /tmp/link-in-container",
      ].join("\n"),
    });
    const r = await backend.execute(req, never);
    expect(r.exitCode).toBe(0);
    const work = req.workDir;
    expect(await r.toHost(containerPath("sub/file.txt"))).toBe(path.join(work, "sub", "file.txt"));
    expect(await r.toHost(containerPath("/mnt/wdlrun/work/abs.txt"))).toBe(path.join(work, "abs.txt"));
    const top = await r.toHost(containerPath("/tmp/top.txt"));
    expect(top).toBe(path.join(req.dir, "outside", "tmp", "top.txt"));
    expect(readFileSync(top!, "utf8")).toBe("top\n");
    const dir = await r.toHost(containerPath("/opt/results"));
    expect(readFileSync(path.join(dir!, "deep", "o.txt"), "utf8")).toBe("outside\n");
    expect(await r.toHost(containerPath("link-to-input"))).toBe(input);
    expect(await r.toHost(containerPath("link-inside"))).toBe(path.join(work, "sub", "file.txt"));
    // A link out of the work directory and the inputs is refused, even to the container's own files.
    await expect(r.toHost(containerPath("link-outside"))).rejects.toThrow("link-outside is a symbolic link to /tmp/top.txt, outside the task's working directory and inputs");
    await expect(r.toHost(containerPath("/tmp/link-in-container"))).rejects.toThrow("/tmp/link-in-container is a symbolic link to /tmp/top.txt, outside");
    await expect(r.toHost(containerPath("/opt/results"), "File")).rejects.toThrow("/opt/results is a directory, not a regular file");
    expect(await r.toHost(containerPath("/no/such/file"))).toBeUndefined();
    expect(await r.toHost(containerPath("missing-in-work"))).toBeUndefined();
    await r.release();
    expect(await leftovers()).toEqual([]);
  });

  it("enforces max_cpu and max_memory as cgroup limits, and sets none otherwise", async () => {
    const read = "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/memory/memory.limit_in_bytes";
    const limited = makeRequest(backend, { runId, command: read, resources: { maxCpu: 0.5, maxMemoryBytes: 64 * 2 ** 20 } });
    const r1 = await backend.execute(limited, never);
    const [quota, period, mem] = readFileSync(limited.stdoutFile, "utf8").trim().split("\n").map(Number);
    expect(quota! / period!).toBeCloseTo(0.5);
    expect(mem).toBe(64 * 2 ** 20);
    await r1.release();
    const free = makeRequest(backend, { runId, command: read });
    const r2 = await backend.execute(free, never);
    const [quota2, , mem2] = readFileSync(free.stdoutFile, "utf8").trim().split("\n").map(Number);
    expect(quota2).toBe(-1);
    expect(mem2).toBeGreaterThan(2 ** 40);
    await r2.release();
  });

  it("reports an out-of-memory kill", async () => {
    const req = makeRequest(backend, {
      runId,
      command: 'python3 -c "a = bytearray(512 * 1024 * 1024); print(len(a))"',
      resources: { maxMemoryBytes: 64 * 2 ** 20 },
    });
    const r = await backend.execute(req, never);
    expect(r.exitCode).toBe(137);
    expect(r.oomKilled).toBe(true);
    await r.release();
  });

  it("sends GPU device ids to the engine and explains its refusal", async (ctx) => {
    // Podman is given GPUs as CDI devices, not device requests (test/integration/podman.test.ts).
    if (backend.flavour.kind === "podman") return ctx.skip();
    const docker = backend.docker;
    const original = docker.createContainer.bind(docker);
    let requested: unknown;
    docker.createContainer = (async (opts: Parameters<typeof original>[0]) => {
      const c = await original(opts);
      requested = (await c.inspect()).HostConfig.DeviceRequests;
      return c;
    }) as typeof docker.createContainer;
    try {
      const req = makeRequest(backend, { runId, command: "nvidia-smi", resources: { gpuIds: ["GPU-fake0001", "GPU-fake0002"] } });
      const err = await backend.execute(req, never).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DockerBackendError);
      expect((err as Error).message).toMatch(/cannot give containers GPUs \(asked for device GPU-fake0001,GPU-fake0002; engine says: .*\): install the NVIDIA Container Toolkit/);
      expect((err as Error).message).not.toContain("\n");
      expect(requested).toEqual([expect.objectContaining({ DeviceIDs: ["GPU-fake0001", "GPU-fake0002"], Capabilities: [["gpu"]] })]);
    } finally {
      docker.createContainer = original;
    }
    expect(await leftovers()).toEqual([]);
  });

  it("uses the default image when the task names none, and accepts docker:// and ordered candidates", async () => {
    const plain = makeRequest(backend, { runId, command: "true", containers: [] });
    const r1 = await backend.execute(plain, never);
    expect(r1.image).toBe("debian:bookworm-slim");
    await r1.release();
    const never_ = await DockerBackend.open({ host: dockerHost(), pull: "never", sweep: false });
    const req = makeRequest(never_, { runId, command: "true", containers: ["wdlrun-test/absent:1", "docker://ubuntu:focal"] });
    const r2 = await never_.execute(req, never);
    expect(r2.image).toBe("ubuntu:focal");
    await r2.release();
    await never_.close();
  });

  it("fails with one clear line when an image cannot be had", async () => {
    const pullNever = await DockerBackend.open({ host: dockerHost(), pull: "never", sweep: false });
    const req = makeRequest(pullNever, { runId, command: "true", containers: ["wdlrun-test/absent:1"] });
    await expect(pullNever.execute(req, never)).rejects.toThrow(
      /^image wdlrun-test\/absent:1 not found in the Docker Engine and docker.pull is "never": load or build it first/,
    );
    await pullNever.close();
    const lines: string[] = [];
    const pulling = await DockerBackend.open({ host: dockerHost(), sweep: false, notice: (l) => lines.push(l) });
    const req2 = makeRequest(pulling, { runId, command: "true", containers: ["wdlrun-test/absent:1", "wdlrun-test/absent:2"] });
    const err = (await pulling.execute(req2, never).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(DockerBackendError);
    expect(err.message).toMatch(/^cannot pull image wdlrun-test\/absent:1, wdlrun-test\/absent:2 \(wdlrun-test\/absent:1: .+; wdlrun-test\/absent:2: .+\): check the name and tag/);
    expect(err.message).not.toContain("\n");
    expect(lines).toContain("pulling image wdlrun-test/absent:1");
    await pulling.close();
  });

  it("explains a missing bind source", async () => {
    const req = makeRequest(backend, { runId, command: "true", inputs: [{ host: "/nonexistent/wdlrun/input.txt" }] });
    await expect(backend.execute(req, never)).rejects.toThrow(
      /^cannot start call-test: \/nonexistent\/wdlrun\/input.txt does not exist on the engine's host/,
    );
    expect(await leftovers()).toEqual([]);
  });

  it("creates disk mount points and says once that sizes are not enforced", async () => {
    notices.length = 0;
    const disks = [
      { mountPoint: containerPath("/"), sizeBytes: 10 * 2 ** 30 },
      { mountPoint: containerPath("/mnt/scratch"), sizeBytes: 2 ** 30 },
    ];
    for (let i = 0; i < 2; i++) {
      const req = makeRequest(backend, { runId, command: "echo x > /mnt/scratch/f && cat /mnt/scratch/f", resources: { disks } });
      const r = await backend.execute(req, never);
      expect(r.exitCode).toBe(0);
      expect(readFileSync(req.stdoutFile, "utf8")).toBe("x\n");
      await r.release();
    }
    expect(notices.filter((n) => n.includes("disk sizes cannot be enforced"))).toHaveLength(1);
  });

  it("leaves no container after success, failure or an abort mid-attempt", async () => {
    const ok = await backend.execute(makeRequest(backend, { runId, command: "true" }), never);
    await ok.release();
    const bad = await backend.execute(makeRequest(backend, { runId, command: "exit 1" }), never);
    expect(bad.exitCode).toBe(1);
    await bad.release();
    const abort = new AbortController();
    const req = makeRequest(backend, { runId, command: "echo started; sleep 300" });
    const started = Date.now();
    const pending = backend.execute(req, abort.signal);
    // Abort once the command is really running.
    while (!readFileSync(req.stdoutFile, { encoding: "utf8", flag: "a+" }).includes("started")) {
      if (Date.now() - started > 20_000) throw new Error("the command never started");
      await new Promise((r) => setTimeout(r, 50));
    }
    const abortedAt = Date.now();
    abort.abort();
    const r = await pending;
    expect(Date.now() - abortedAt).toBeLessThan(5000);
    expect(r.exitCode).not.toBe(0);
    await r.release();
    expect(await leftovers()).toEqual([]);
  });

  it("keeps containers with cleanup = false until close() of a later sweep", async () => {
    const notices: string[] = [];
    const keep = await DockerBackend.open({ host: dockerHost(), cleanup: false, sweep: false, notice: (l) => notices.push(l) });
    expect(notices).toEqual([
      "cleanup = false: each attempt's container is kept after it ends (docker ps -a --filter label=org.wdlrun.run=<run directory name>); wdlrun clean removes them",
    ]);
    const r = await keep.execute(makeRequest(keep, { runId, command: "true" }), never);
    await r.release();
    expect(await leftovers()).toHaveLength(1);
    await keep.close();
    expect(await leftovers()).toHaveLength(1);
    await sweepContainers(backend.docker, backend.url, { runId, all: true });
    expect(await leftovers()).toEqual([]);
  });

  it("close() removes containers of attempts still running", async () => {
    const other = await DockerBackend.open({ host: dockerHost(), sweep: false });
    const req = makeRequest(other, { runId, command: "sleep 300" });
    const pending = other.execute(req, never).catch((e: unknown) => e);
    const t0 = Date.now();
    while ((await leftovers()).length === 0 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 50));
    await other.close();
    expect(await leftovers()).toEqual([]);
    await pending;
  });

  it("sweeps containers whose owner is gone and leaves live owners' alone", async () => {
    const docker = backend.docker;
    const me = currentOwner();
    const dead = { ...me, pid: 2 ** 22 + 17, start: "1" };
    const mk = (owner: typeof me, call: string) =>
      docker.createContainer({ Image: "ubuntu:latest", Cmd: ["true"], Labels: attemptLabels(runId, call, 1, "sweep-test", owner) });
    const gone = await mk(dead, "call-dead");
    const alive = await mk(me, "call-alive");
    const foreign = await mk({ ...dead, host: "some-other-host" }, "call-foreign");
    const swept = await sweepContainers(docker, backend.url, { runId });
    const byCall = Object.fromEntries(swept.map((s) => [s.callId, s]));
    expect(byCall["call-dead"]).toMatchObject({ removed: true, state: { kind: "gone" } });
    expect(byCall["call-alive"]).toMatchObject({ removed: false, state: { kind: "alive" } });
    expect(byCall["call-foreign"]).toMatchObject({ removed: false, state: { kind: "unknown" } });
    await expect(gone.inspect()).rejects.toMatchObject({ statusCode: 404 });
    await alive.remove({ force: true });
    await foreign.remove({ force: true });
    const all = await docker.listContainers({ all: true, filters: { label: [LABEL_COMMON, `${LABEL_RUN}=${runId}`] } });
    expect(all).toEqual([]);
  });

  it("reads capacity from the engine and honours overrides", async () => {
    const cap = await backend.capacity();
    expect(cap.cpu).toBeGreaterThanOrEqual(1);
    expect(cap.memoryBytes).toBeGreaterThan(2 ** 28);
    const small = await DockerBackend.open({ host: dockerHost(), cpu: 3, memoryBytes: 2 ** 30, gpuIds: ["a", "b"], sweep: false });
    expect(await small.capacity()).toEqual({ cpu: 3, memoryBytes: 2 ** 30, gpuIds: ["a", "b"] });
  });

  it("leaves the files of a root-run task owned by the caller", async () => {
    const req = makeRequest(backend, { runId, command: "mkdir -p d && echo x > d/f" });
    const r = await backend.execute(req, never);
    await r.release();
    const st = statSync(path.join(req.workDir, "d", "f"));
    expect([st.uid, st.gid]).toEqual([process.getuid!(), process.getgid!()]);
    expect(lstatSync(req.stdoutFile).uid).toBe(process.getuid!());
  });
});

describe("Docker backend without an engine", () => {
  it("says no engine answers, and how to fix it", async () => {
    await expect(DockerBackend.open({ host: "unix:///tmp/wdlrun-no-such-engine.sock" })).rejects.toThrow(
      /^no Docker Engine answers at unix:\/\/\/tmp\/wdlrun-no-such-engine.sock: start one \(npm run setup:docker/,
    );
  });
});


/**
 * Unit tests of the Docker backend's pure parts: layout and path mapping,
 * the wrapper script, owner judgement, image candidates, GPU parsing, the
 * container definition, and engine error explanations.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { containerPath, hostPath, type AttemptRequest } from "../../../src/backends/backend.js";
import { createOptions, maxCpuWithin, type AttemptContext } from "../../../src/backends/docker/attempt.js";
import { engineUrl, explainConnection, engineMessage } from "../../../src/backends/docker/client.js";
import { gpuDeviceRequest, isNoGpuRuntime, parseNvidiaSmiList } from "../../../src/backends/docker/gpus.js";
import { usableCandidates } from "../../../src/backends/docker/images.js";
import { LABEL_OWNER_PID, attemptLabels, currentOwner, ownerState, processStart } from "../../../src/backends/docker/labels.js";
import { CONTAINER_WORK_DIR, dockerLayout, keepsHostPath, mountedHostPath } from "../../../src/backends/docker/layout.js";
import { shQuote, wrapperScript } from "../../../src/backends/docker/wrapper.js";

const h = hostPath;
const c = containerPath;

describe("layout", () => {
  it("mounts inputs at their host paths, once each", () => {
    const l = dockerLayout([
      { host: h("/data/x/a.txt"), directory: false },
      { host: h("/data/x/a.txt"), directory: false },
      { host: h("/home/u/dir"), directory: true },
    ]);
    expect(l.workDir).toBe("/mnt/wdlrun/work");
    expect(l.inputs).toEqual([
      { host: "/data/x/a.txt", container: "/data/x/a.txt", directory: false },
      { host: "/home/u/dir", container: "/home/u/dir", directory: true },
    ]);
  });

  it("moves inputs under the image's system folders, grouped by host folder with basenames kept", () => {
    const l = dockerLayout([
      { host: h("/etc/x/a.txt"), directory: false },
      { host: h("/usr/share/a.txt"), directory: false },
      { host: h("/etc/x/b.txt"), directory: false },
      { host: h("/mnt/wdlrun/work/c.txt"), directory: false },
      { host: h("/tmp/d.txt"), directory: false },
    ]);
    expect(l.inputs.map((i) => i.container)).toEqual([
      "/mnt/wdlrun/inputs/0/a.txt",
      "/mnt/wdlrun/inputs/1/a.txt",
      "/mnt/wdlrun/inputs/0/b.txt",
      "/mnt/wdlrun/inputs/2/c.txt",
      "/tmp/d.txt",
    ]);
    expect(keepsHostPath("/")).toBe(false);
    expect(keepsHostPath("/varnish/x")).toBe(true);
  });

  it("maps container paths back through the mounts", () => {
    const layout = dockerLayout([
      { host: h("/etc/data/a.txt"), directory: false },
      { host: h("/etc/data/d"), directory: true },
      { host: h("/home/in.txt"), directory: false },
    ]);
    const files = { workDir: h("/run/a/work"), stdoutFile: h("/run/a/stdout"), stderrFile: h("/run/a/stderr"), commandFile: h("/run/a/command") };
    expect(mountedHostPath(c("out.txt"), layout, files)).toBe("/run/a/work/out.txt");
    expect(mountedHostPath(c("./sub/../x"), layout, files)).toBe("/run/a/work/x");
    expect(mountedHostPath(c("/mnt/wdlrun/work"), layout, files)).toBe("/run/a/work");
    expect(mountedHostPath(c("/mnt/wdlrun/stdout"), layout, files)).toBe("/run/a/stdout");
    expect(mountedHostPath(c("/mnt/wdlrun/inputs/0/a.txt"), layout, files)).toBe("/etc/data/a.txt");
    expect(mountedHostPath(c("/home/in.txt"), layout, files)).toBe("/home/in.txt");
    expect(mountedHostPath(c("/home/other.txt"), layout, files)).toBeUndefined();
    expect(mountedHostPath(c("/mnt/wdlrun/inputs/0/a.txt/x"), layout, files)).toBeUndefined();
    expect(mountedHostPath(c("/mnt/wdlrun/inputs/0/d/e/f"), layout, files)).toBe("/etc/data/d/e/f");
    expect(mountedHostPath(c("/mnt/wdlrun/workother"), layout, files)).toBeUndefined();
    expect(mountedHostPath(c("/tmp/x"), layout, files)).toBeUndefined();
  });
});

describe("wrapper script", () => {
  it("quotes for sh", () => {
    expect(shQuote("a b'c")).toBe(`'a b'\\''c'`);
  });

  it("keeps the command's exit status and chowns only when asked", () => {
    const withOwner = wrapperScript("bash", { uid: 1000, gid: 100 }, [CONTAINER_WORK_DIR]);
    expect(withOwner).toContain("chown -R 1000:100 '/mnt/wdlrun/work'");
    expect(withOwner.trim().endsWith('exit "$rc"')).toBe(true);
    expect(wrapperScript("bash", undefined, [CONTAINER_WORK_DIR])).not.toContain("chown");
  });

  it("runs under a real sh: exit status, redirections, and signal forwarding", () => {
    // Run the script with the container paths rewritten into a temporary folder.
    const d = mkdtempSync(path.join(tmpdir(), "wdlrun-wrap-"));
    writeFileSync(path.join(d, "command"), 'echo out; echo err >&2; exit 7\n');
    const script = wrapperScript("bash", undefined, []).replaceAll("/mnt/wdlrun", d);
    const r = spawnSync("sh", ["-c", script], { encoding: "utf8" });
    expect(r.status).toBe(7);
    expect(readFileSync(path.join(d, "stdout"), "utf8")).toBe("out\n");
    expect(readFileSync(path.join(d, "stderr"), "utf8")).toBe("err\n");
    writeFileSync(path.join(d, "command"), "sleep 30\n");
    const t0 = Date.now();
    const killed = spawnSync("sh", ["-c", `(${script}) & p=$!; sleep 0.3; kill -TERM $p; wait $p`], { encoding: "utf8", timeout: 10_000 });
    expect(killed.status).toBe(143);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe("owners", () => {
  const here = { host: "hostA", boot: "boot-1", pid: 100, start: "555" };
  const labels = (o: typeof here) => attemptLabels("run", "call", 1, "s", o);

  it("judges owners on this host by pid and start time, and after a reboot", () => {
    const alive = (pid: number) => (pid === 100 ? "555" : pid === 200 ? "999" : undefined);
    expect(ownerState(labels(here), here, alive)).toEqual({ kind: "alive" });
    expect(ownerState(labels({ ...here, pid: 300 }), here, alive).kind).toBe("gone");
    expect(ownerState(labels({ ...here, pid: 200 }), here, alive)).toEqual({ kind: "gone", why: "its owner (pid 200) has exited (pid reused)" });
    expect(ownerState(labels({ ...here, boot: "boot-0" }), here, alive).kind).toBe("gone");
    expect(ownerState(labels({ ...here, host: "hostB" }), here, alive).kind).toBe("unknown");
    const noPid = { ...labels(here) };
    delete noPid[LABEL_OWNER_PID];
    expect(ownerState(noPid, here, alive).kind).toBe("unknown");
  });

  it("knows this process", () => {
    expect(currentOwner().pid).toBe(process.pid);
    expect(processStart(process.pid)).toBe(currentOwner().start);
    expect(ownerState(attemptLabels("r", "c", 1, "s"))).toEqual({ kind: "alive" });
  });
});

describe("images", () => {
  it("strips docker://, skips other protocols and falls back to the default image", () => {
    expect(usableCandidates(["docker://ubuntu:latest", "https://gcr.io/x:1", "quay.io/y:2"], "def")).toEqual(["ubuntu:latest", "quay.io/y:2"]);
    expect(usableCandidates([], "def")).toEqual(["def"]);
    expect(usableCandidates(["*"], "def")).toEqual(["def"]);
    expect(usableCandidates(["https://gcr.io/x:1"], "def")).toEqual([]);
  });
});

describe("gpus", () => {
  it("parses nvidia-smi -L", () => {
    const text = "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-0c6fa3c5-1111)\nGPU 1: Tesla T4 (UUID: GPU-abc)\nGPU 2: Old card\n";
    expect(parseNvidiaSmiList(text)).toEqual(["GPU-0c6fa3c5-1111", "GPU-abc", "2"]);
  });

  it("asks for exactly the granted devices and recognises a missing NVIDIA runtime", () => {
    expect(gpuDeviceRequest(["GPU-a"])).toEqual({ Driver: "", DeviceIDs: ["GPU-a"], Capabilities: [["gpu"]] });
    expect(isNoGpuRuntime('could not select device driver "" with capabilities: [[gpu]]')).toBe(true);
    expect(isNoGpuRuntime("No such image")).toBe(false);
  });
});

describe("container definition", () => {
  const ctx: AttemptContext = {
    docker: undefined as never,
    url: "unix:///x",
    shell: "bash",
    cleanup: true,
    owner: { uid: 1000, gid: 1000 },
    session: "sess",
    stopGraceSeconds: 1,
    track: () => undefined,
    watch: undefined as never,
  };
  const request: AttemptRequest = {
    runId: "run-1",
    callId: "call-align-0007",
    attempt: 2,
    dir: h("/r/a"),
    workDir: h("/r/a/work"),
    commandFile: h("/r/a/command"),
    stdoutFile: h("/r/a/stdout"),
    stderrFile: h("/r/a/stderr"),
    layout: dockerLayout([{ host: h("/in/x.txt"), directory: false }]),
    env: { A: "1" },
    containers: ["ubuntu:latest"],
    resources: {
      cpu: 2,
      memoryBytes: 2 ** 30,
      maxCpu: 1.5,
      maxMemoryBytes: 2 ** 29,
      gpuIds: ["0", "3"],
      fpga: 0,
      disks: [
        { mountPoint: c("/"), sizeBytes: 1 },
        { mountPoint: c("/scratch"), sizeBytes: 1 },
      ],
    },
  };

  it("sets image, mounts, env, limits, GPUs and labels", () => {
    const o = createOptions(ctx, request, "ubuntu:latest");
    expect(o.Image).toBe("ubuntu:latest");
    expect(o.name).toMatch(/^wdlrun-call-align-0007-a2-[a-z0-9]+$/);
    expect(o.WorkingDir).toBe("/mnt/wdlrun/work");
    expect(o.Env).toEqual(["A=1", "NVIDIA_VISIBLE_DEVICES=0,3"]);
    expect(o.HostConfig?.NanoCpus).toBe(1.5e9);
    expect(o.HostConfig?.Memory).toBe(2 ** 29);
    expect(o.HostConfig?.MemorySwap).toBe(2 ** 29);
    expect(o.HostConfig?.DeviceRequests).toEqual([{ Driver: "", DeviceIDs: ["0", "3"], Capabilities: [["gpu"]] }]);
    expect(o.HostConfig?.Mounts).toEqual([
      { Type: "bind", Source: "/r/a/command", Target: "/mnt/wdlrun/command", ReadOnly: true },
      { Type: "bind", Source: "/r/a/stdout", Target: "/mnt/wdlrun/stdout" },
      { Type: "bind", Source: "/r/a/stderr", Target: "/mnt/wdlrun/stderr" },
      { Type: "bind", Source: "/r/a/work", Target: "/mnt/wdlrun/work" },
      { Type: "bind", Source: "/in/x.txt", Target: "/in/x.txt", ReadOnly: true },
      { Type: "volume", Source: "", Target: "/scratch" },
    ]);
    expect(o.Labels).toMatchObject({ "org.wdlrun": "1", "org.wdlrun.run": "run-1", "org.wdlrun.call": "call-align-0007", "org.wdlrun.attempt": "2", "org.wdlrun.session": "sess" });
    expect(o.Entrypoint).toEqual(["/bin/sh", "-c"]);
    expect(o.Cmd?.[0]).toContain("chown -R 1000:1000 '/mnt/wdlrun/work'");
  });

  it("sets no limits or GPUs when none were granted", () => {
    const o = createOptions(ctx, { ...request, resources: { cpu: 1, memoryBytes: 1, gpuIds: [], fpga: 0, disks: [] } }, "x");
    expect(o.HostConfig?.NanoCpus).toBeUndefined();
    expect(o.HostConfig?.Memory).toBeUndefined();
    expect(o.HostConfig?.DeviceRequests).toBeUndefined();
    expect(o.Env).toEqual(["A=1"]);
  });

  it("drops a max_cpu limit that is not below the machine's CPUs (the engine refuses one above them)", () => {
    expect(maxCpuWithin(request, 2)).toBe(request);
    expect(maxCpuWithin(request, undefined)).toBe(request);
    const dropped = maxCpuWithin(request, 1.5);
    expect("maxCpu" in dropped.resources).toBe(false);
    expect(dropped.resources.maxMemoryBytes).toBe(2 ** 29);
    expect(createOptions(ctx, maxCpuWithin(request, 1), "x").HostConfig?.NanoCpus).toBeUndefined();
  });
});

describe("engine errors", () => {
  it("picks the engine URL from config, then DOCKER_HOST, then the default socket", () => {
    expect(engineUrl("tcp://a:1", { DOCKER_HOST: "unix:///b" })).toBe("tcp://a:1");
    expect(engineUrl(undefined, { DOCKER_HOST: "unix:///b" })).toBe("unix:///b");
    expect(engineUrl(undefined, {})).toBe("unix:///var/run/docker.sock");
  });

  it("explains unreachable engines and socket permissions with the fix", () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(explainConnection(err("ENOENT"), "unix:///s.sock")).toMatch(/^no Docker Engine answers at unix:\/\/\/s.sock: start one/);
    expect(explainConnection(err("EACCES"), "unix:///s.sock")).toMatch(/^permission denied on the Docker socket \/s.sock: add your user to the docker group/);
    expect(explainConnection(new Error("x"), "unix:///s.sock")).toBeUndefined();
  });

  it("extracts the engine's message", () => {
    expect(engineMessage(Object.assign(new Error("(HTTP code 404) no such container - No such image: x "), { json: { message: "No such image: x" } }))).toBe("No such image: x");
    expect(engineMessage(new Error("(HTTP code 500) server error - Get https://registry: dial tcp"))).toBe("Get https://registry: dial tcp");
  });
});

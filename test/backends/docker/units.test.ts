/**
 * Unit tests of the Docker backend's pure parts: layout and path mapping,
 * the wrapper script, owner judgement, image candidates, GPU parsing, the
 * container definition, and engine error explanations.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { containerPath, hostPath, type AttemptRequest } from "../../../src/backends/backend.js";
import { createOptions, type AttemptContext } from "../../../src/backends/docker/attempt.js";
import { NetworkSlots } from "../../../src/backends/docker/network-slots.js";
import { maxCpuWithin } from "../../../src/backends/engine/attempt-files.js";
import { engineUrl, explainConnection, engineMessage, engineTls } from "../../../src/backends/engine/client.js";
import { gpuCapacity, gpuDeviceRequest, isNoGpuRuntime, parseGpuInventory } from "../../../src/backends/engine/gpus.js";
import { usableCandidates } from "../../../src/backends/engine/images.js";
import { LABEL_OWNER_PID, attemptLabels, currentOwner, ownerState, processStart } from "../../../src/backends/engine/labels.js";
import { CONTAINER_WORK_DIR, bindMounts, dockerLayout } from "../../../src/backends/engine/layout.js";
import { DEFAULT_HARDENING, hardeningHostConfig } from "../../../src/backends/engine/hardening.js";
import { ContainmentError } from "../../../src/backends/layout.js";
import { shQuote, wrapperScript } from "../../../src/backends/engine/wrapper.js";

const h = hostPath;
const c = containerPath;

const FILES = { dir: h("/run/a"), workDir: h("/run/a/work"), commandFile: h("/run/a/command"), stdoutFile: h("/run/a/stdout"), stderrFile: h("/run/a/stderr") };
const input = (p: string, directory = false) => ({ host: h(p), source: h(p), directory });

describe("layout", () => {
  it("mounts inputs at container paths of wdlrun's choosing, one folder per host folder, basenames kept, once each", () => {
    const l = dockerLayout(FILES, [
      input("/data/x/a.txt"),
      input("/data/x/a.txt"),
      input("/home/u/dir", true),
      input("/data/x/b.txt"),
      input("/tmp/my folder $(touch pwned)/c.txt"),
    ]);
    expect(l.workDir).toBe("/mnt/wdlrun/work");
    expect(l.inputs.map((i) => [i.host, i.container, i.directory])).toEqual([
      ["/data/x/a.txt", "/mnt/wdlrun/inputs/0/a.txt", false],
      ["/home/u/dir", "/mnt/wdlrun/inputs/1/dir", true],
      ["/data/x/b.txt", "/mnt/wdlrun/inputs/0/b.txt", false],
      ["/tmp/my folder $(touch pwned)/c.txt", "/mnt/wdlrun/inputs/2/c.txt", false],
    ]);
  });

  it("maps host paths to container paths and back through one table", () => {
    const l = dockerLayout(FILES, [input("/etc/data/a.txt"), input("/etc/data/d", true)]);
    expect(l.toContainer(h("/run/a/work/out.txt"))).toBe("/mnt/wdlrun/work/out.txt");
    expect(l.toContainer(h("/etc/data/d/e/f"))).toBe("/mnt/wdlrun/inputs/0/d/e/f");
    expect(l.toContainer(h("/etc/data/a.txt/x"))).toBe("/etc/data/a.txt/x");
    expect(l.toContainer(h("rel.txt"))).toBe("rel.txt");
    expect(l.toHost(c("out.txt"))).toBe("/run/a/work/out.txt");
    expect(l.toHost(c("./sub/../x"))).toBe("/run/a/work/x");
    expect(l.toHost(c("/mnt/wdlrun/stdout"))).toBe("/run/a/stdout");
    expect(l.toHost(c("/mnt/wdlrun/inputs/0/a.txt"))).toBe("/etc/data/a.txt");
    expect(l.toHost(c("/mnt/wdlrun/inputs/0/d/e/f"))).toBe("/etc/data/d/e/f");
    expect(l.toHost(c("/mnt/wdlrun/inputs/0/a.txt/x"))).toBeUndefined();
    expect(l.toHost(c("/mnt/wdlrun/workother"))).toBeUndefined();
    expect(l.toHost(c("/tmp/x"))).toBeUndefined();
  });

  it("mounts the checked sources: inputs and the command read-only, work and stdout/stderr read-write (swarm: no stdout/stderr)", () => {
    const l = dockerLayout(FILES, [{ host: h("/data/link.txt"), source: h("/store/real.txt"), directory: false }]);
    expect(bindMounts(l)).toEqual([
      { Type: "bind", Source: "/run/a/work", Target: "/mnt/wdlrun/work", ReadOnly: false },
      { Type: "bind", Source: "/run/a/command", Target: "/mnt/wdlrun/command", ReadOnly: true },
      { Type: "bind", Source: "/run/a/stdout", Target: "/mnt/wdlrun/stdout", ReadOnly: false },
      { Type: "bind", Source: "/run/a/stderr", Target: "/mnt/wdlrun/stderr", ReadOnly: false },
      { Type: "bind", Source: "/store/real.txt", Target: "/mnt/wdlrun/inputs/0/link.txt", ReadOnly: true },
    ]);
    expect(bindMounts(l, false).map((m) => m.Target)).toEqual(["/mnt/wdlrun/work", "/mnt/wdlrun/command", "/mnt/wdlrun/inputs/0/link.txt"]);
  });
});

describe("resolving a path as the container saw it", () => {
  /** An attempt directory with a work dir, an input file and an input folder on disk. */
  function attempt() {
    const root = mkdtempSync(path.join(tmpdir(), "wdlrun-resolve-"));
    const at = (p: string) => h(path.join(root, p));
    mkdirSync(at("run/work/sub"), { recursive: true });
    mkdirSync(at("in/dir"), { recursive: true });
    writeFileSync(at("in/a.txt"), "A");
    writeFileSync(at("in/dir/b.txt"), "B");
    writeFileSync(at("run/work/sub/f.txt"), "F");
    const files = { dir: at("run"), workDir: at("run/work"), commandFile: at("run/command"), stdoutFile: at("run/stdout"), stderrFile: at("run/stderr") };
    const layout = dockerLayout(files, [input(at("in/a.txt")), input(at("in/dir"), true)]);
    const link = (target: string, name: string) => symlinkSync(target, path.join(files.workDir, name));
    return { root, at, layout, link };
  }

  it("follows links between files of the run, inside the container's view", () => {
    const { at, layout, link } = attempt();
    link("sub", "alias");
    link("/mnt/wdlrun/inputs/0/a.txt", "to-input");
    link("/mnt/wdlrun/inputs/0/dir", "to-dir");
    link("../work/sub/f.txt", "rel");
    const host = (p: string) => {
      const r = layout.resolve(c(p));
      return r.kind === "mounted" ? [r.host, r.type] : r.kind;
    };
    expect(host("alias/f.txt")).toEqual([at("run/work/sub/f.txt"), "file"]);
    expect(host("to-input")).toEqual([at("in/a.txt"), "file"]);
    expect(host("to-dir/b.txt")).toEqual([at("in/dir/b.txt"), "file"]);
    expect(host("to-dir")).toEqual([at("in/dir"), "directory"]);
    expect(host("rel")).toEqual([at("run/work/sub/f.txt"), "file"]);
    expect(host("missing")).toBe("missing");
    expect(host("sub/f.txt/x")).toBe("missing");
    expect(host("/tmp/x")).toBe("outside");
  });

  it("refuses links that lead out of the work directory and the inputs, naming the link and its target", () => {
    const { layout, link } = attempt();
    link("/etc/shadow", "abs");
    link("../../../../../../../../etc/shadow", "rel");
    link("/", "root");
    link("/mnt/wdlrun/inputs/0/dir/../../../../../etc", "updown");
    link("/mnt/wdlrun/inputs/0/a.txt/../../../../../etc", "notdir");
    link("loop2", "loop1");
    link("loop1", "loop2");
    expect(() => layout.resolve(c("abs"))).toThrow("abs is a symbolic link to /etc/shadow, outside the task's working directory and inputs");
    expect(() => layout.resolve(c("rel"))).toThrow(/^rel is a symbolic link to \.\.\/\.\.\/.*etc\/shadow, outside the task's working directory/);
    expect(() => layout.resolve(c("root/etc/shadow"))).toThrow("root/etc/shadow: root is a symbolic link to / (root/etc/shadow leads to /etc/shadow), outside");
    expect(() => layout.resolve(c("/mnt/wdlrun/work/root"))).toThrow(ContainmentError);
    expect(() => layout.resolve(c("updown/passwd"))).toThrow("updown/passwd: updown is a symbolic link to /mnt/wdlrun/inputs/0/dir/../../../../../etc (updown/passwd leads to /etc/passwd), outside");
    expect(layout.resolve(c("notdir/passwd")).kind).toBe("missing"); // a.txt/.. is not a folder
    expect(() => layout.resolve(c("loop1"))).toThrow("loop1: too many levels of symbolic links");
  });
});

describe("wrapper script", () => {
  it("quotes for sh", () => {
    expect(shQuote("a b'c")).toBe(`'a b'\\''c'`);
  });

  it("clears set-id bits in what the task leaves, with or without an owner", () => {
    expect(wrapperScript("bash", undefined, [CONTAINER_WORK_DIR])).toContain("chmod -R ug-s '/mnt/wdlrun/work'");
    expect(wrapperScript("bash", { uid: 1, gid: 2 }, [CONTAINER_WORK_DIR])).toMatch(/chown -R 1:2 '\/mnt\/wdlrun\/work'[^\n]*chmod -R ug-s/);
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
  it("reads nvidia-smi's inventory: ids (UUID, else index), names, memory", () => {
    const text = "0, GPU-0c6fa3c5-1111, NVIDIA H100 80GB HBM3, 81559\n1, GPU-abc, Tesla T4, 15360\n2, [N/A], Old card, [N/A]\nnot a line\n";
    const inv = parseGpuInventory(text);
    expect(inv).toEqual([
      { id: "GPU-0c6fa3c5-1111", index: "0", name: "NVIDIA H100 80GB HBM3", memoryBytes: 81559 * 2 ** 20 },
      { id: "GPU-abc", index: "1", name: "Tesla T4", memoryBytes: 15360 * 2 ** 20 },
      { id: "2", index: "2", name: "Old card" },
    ]);
    expect(gpuCapacity(inv).gpuIds).toEqual(["GPU-0c6fa3c5-1111", "GPU-abc", "2"]);
    // Configured ids (indices or UUIDs) keep what the inventory says of them.
    expect(gpuCapacity(inv, ["1", "GPU-0c6fa3c5-1111", "9"])).toEqual({
      gpuIds: ["1", "GPU-0c6fa3c5-1111", "9"],
      gpuModels: { "1": { name: "Tesla T4", memoryBytes: 15360 * 2 ** 20 }, "GPU-0c6fa3c5-1111": { name: "NVIDIA H100 80GB HBM3", memoryBytes: 81559 * 2 ** 20 } },
    });
    expect(gpuCapacity([], ["a"])).toEqual({ gpuIds: ["a"] });
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
    hardening: DEFAULT_HARDENING,
    session: "sess",
    stopGraceSeconds: 1,
    track: () => undefined,
    flavour: { kind: "docker", version: undefined, rootless: false },
    watch: undefined as never,
    gangNetworks: new NetworkSlots(),
    notice: () => undefined,
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
    layout: dockerLayout(
      { dir: h("/r/a"), workDir: h("/r/a/work"), commandFile: h("/r/a/command"), stdoutFile: h("/r/a/stdout"), stderrFile: h("/r/a/stderr") },
      [input("/in/x.txt")],
    ),
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
    expect(o.HostConfig?.ShmSize).toBeUndefined();
    expect(createOptions(ctx, { ...request, resources: { ...request.resources, shmSizeBytes: 2 ** 33 } }, "x").HostConfig?.ShmSize).toBe(2 ** 33);
    expect(o.HostConfig?.Mounts).toEqual([
      { Type: "bind", Source: "/r/a/work", Target: "/mnt/wdlrun/work", ReadOnly: false },
      { Type: "bind", Source: "/r/a/command", Target: "/mnt/wdlrun/command", ReadOnly: true },
      { Type: "bind", Source: "/r/a/stdout", Target: "/mnt/wdlrun/stdout", ReadOnly: false },
      { Type: "bind", Source: "/r/a/stderr", Target: "/mnt/wdlrun/stderr", ReadOnly: false },
      { Type: "bind", Source: "/in/x.txt", Target: "/mnt/wdlrun/inputs/0/x.txt", ReadOnly: true },
      { Type: "volume", Source: "", Target: "/scratch" },
    ]);
    expect(o.HostConfig?.SecurityOpt).toEqual(["no-new-privileges"]);
    expect(o.HostConfig?.CapDrop).toEqual(["MKNOD"]);
    expect(o.HostConfig?.PidsLimit).toBe(4096);
    expect(o.HostConfig?.NetworkMode).toBeUndefined();
    expect(o.User).toBeUndefined();
    expect(o.Labels).toMatchObject({ "org.wdlrun": "1", "org.wdlrun.run": "run-1", "org.wdlrun.call": "call-align-0007", "org.wdlrun.attempt": "2", "org.wdlrun.session": "sess" });
    expect(o.Entrypoint).toEqual(["/bin/sh", "-c"]);
    expect(o.Cmd?.[0]).toContain("chown -R 1000:1000 '/mnt/wdlrun/work'");
  });

  it("places a rank of a gang on its network, by name and alias, with hosts entries where wdlrun gives the addresses", () => {
    const o = createOptions(ctx, request, "x", { rank: 1, containerName: "wdlrun-g-rank-1", network: "wdlrun-g", host: "rank-1" });
    expect(o.name).toBe("wdlrun-g-rank-1");
    expect(o.Hostname).toBe("rank-1");
    expect(o.HostConfig?.NetworkMode).toBe("wdlrun-g");
    expect(o.HostConfig?.ExtraHosts).toBeUndefined();
    expect(o.NetworkingConfig).toEqual({ EndpointsConfig: { "wdlrun-g": { Aliases: ["rank-1"] } } });
    expect(o.Labels).toMatchObject({ "org.wdlrun.rank": "1" });
    // With docker.network = none the rank is still on its gang's network (an internal one).
    const none = createOptions({ ...ctx, hardening: { ...DEFAULT_HARDENING, network: "none" } }, request, "x", { rank: 0, containerName: "n", network: "wdlrun-g", host: "rank-0" });
    expect(none.HostConfig?.NetworkMode).toBe("wdlrun-g");
    const addressed = createOptions(ctx, request, "x", {
      rank: 0,
      containerName: "n",
      network: "wdlrun-g",
      host: "rank-0",
      addressing: { address: "10.89.0.2", hosts: ["rank-0:10.89.0.2", "rank-1:10.89.0.3"] },
    });
    expect(addressed.HostConfig?.ExtraHosts).toEqual(["rank-0:10.89.0.2", "rank-1:10.89.0.3"]);
    expect(addressed.NetworkingConfig).toEqual({ EndpointsConfig: { "wdlrun-g": { Aliases: ["rank-0"], IPAMConfig: { IPv4Address: "10.89.0.2" } } } });
  });

  it("hardens as configured: no pids limit for 0, network none, the invoking user", () => {
    expect(hardeningHostConfig({ pidsLimit: 0, network: "none", user: undefined })).toEqual({ SecurityOpt: ["no-new-privileges"], CapDrop: ["MKNOD"], NetworkMode: "none" });
    const o = createOptions({ ...ctx, owner: undefined, hardening: { pidsLimit: 64, network: "default", user: { uid: 1234, gid: 5678 } } }, request, "x");
    expect(o.User).toBe("1234:5678");
    expect(o.HostConfig?.PidsLimit).toBe(64);
    expect(o.Cmd?.[0]).not.toContain("chown");
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

  it("accepts unix:// and tcp:// engine addresses only, naming where a bad one was set", () => {
    expect(engineUrl(" tcp://10.0.0.5:2376 ", {})).toBe("tcp://10.0.0.5:2376");
    expect(() => engineUrl("http://a:2375", {})).toThrow('docker.host = "http://a:2375" uses a scheme wdlrun does not accept: use unix:///path/to/docker.sock or tcp://host:port');
    expect(() => engineUrl(undefined, { DOCKER_HOST: "ssh://me@host" })).toThrow(/^DOCKER_HOST = "ssh:\/\/me@host" uses a scheme wdlrun does not accept: use unix:/);
    expect(() => engineUrl("/var/run/docker.sock", {})).toThrow(/is not an engine address: use unix:/);
    expect(() => engineUrl("unix://docker.sock", {})).toThrow(/does not name a socket by its absolute path/);
    expect(() => engineUrl("tcp://a:1/path", {})).toThrow(/is not an engine address/);
  });

  it("reads TLS settings from the config, else as the docker CLI does, and names a missing certificate", () => {
    expect(engineTls({}, {})).toBeUndefined();
    expect(engineTls({}, { DOCKER_TLS_VERIFY: "0", DOCKER_CERT_PATH: "/nowhere" })).toBeUndefined();
    expect(() => engineTls({}, { DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/nowhere" })).toThrow(
      /^TLS is asked for \(docker\.tls_verify or DOCKER_TLS_VERIFY\) but \/nowhere\/ca\.pem cannot be read \(ENOENT\): point docker\.cert_path or DOCKER_CERT_PATH at the folder/,
    );
    // The config's folder wins over the environment's.
    expect(() => engineTls({ verify: true, certPath: "/from-config" }, { DOCKER_CERT_PATH: "/nowhere" })).toThrow(/\/from-config\/ca\.pem cannot be read/);
    expect(explainConnection(new Error("(HTTP code 400) unexpected - Client sent an HTTP request to an HTTPS server."), "tcp://a:2376")).toMatch(
      /^the Docker Engine at tcp:\/\/a:2376 speaks TLS: set DOCKER_TLS_VERIFY=1 \(or docker\.tls_verify = true\) and DOCKER_CERT_PATH/,
    );
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

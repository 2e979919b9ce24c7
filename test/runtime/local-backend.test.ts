import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { containerPath, hostPath, type AttemptRequest, type HostPath } from "../../src/backends/backend.js";
import { LocalBackend } from "../../src/backends/local/local-backend.js";

/** The files of an attempt whose directory is `dir`. */
function attemptPaths(dir: HostPath) {
  const at = (name: string) => hostPath(path.join(dir, name));
  return { dir, workDir: at("work"), commandFile: at("command"), stdoutFile: at("stdout"), stderrFile: at("stderr") };
}

async function request(script: string, env: Record<string, string> = {}, containers: string[] = []): Promise<AttemptRequest> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "wdlrun-local-"));
  await mkdir(path.join(dir, "work"));
  await writeFile(path.join(dir, "command"), script);
  const backend = new LocalBackend();
  const files = attemptPaths(hostPath(dir));
  return {
    runId: "r",
    callId: "call-x",
    attempt: 1,
    ...files,
    layout: backend.layout(files, []),
    env,
    containers,
    resources: { cpu: 1, memoryBytes: 1024, gpuIds: [], fpga: 0, disks: [] },
  };
}

describe("LocalBackend", () => {
  it("runs bash in the work dir with env, capturing stdout, stderr and the exit code", async () => {
    const notices: string[] = [];
    const b = new LocalBackend({ notice: (m) => notices.push(m) });
    const r = await request('echo "out $GREETING"; echo err >&2; pwd; touch made.txt; exit 3\n', { GREETING: "hi" }, ["ubuntu:latest"]);
    const res = await b.execute(r, new AbortController().signal);
    expect(res.exitCode).toBe(3);
    const out = await readFile(r.stdoutFile, "utf8");
    expect(out).toBe(`out hi\n${r.workDir}\n`);
    expect(await readFile(r.stderrFile, "utf8")).toBe("err\n");
    expect(await res.toHost(containerPath("made.txt"))).toBe(path.join(r.workDir, "made.txt"));
    expect(await res.toHost(containerPath("missing.txt"))).toBeUndefined();
    expect(notices).toHaveLength(1);
    await b.execute(await request("true"), new AbortController().signal);
    expect(notices).toHaveLength(1);
    await res.release();
    await b.close();
  });

  it("hands back only files of the work dir and the inputs, regular files or folders, links resolved the same way", async () => {
    const b = new LocalBackend({ notice: () => {} });
    const r = await request("echo ok > y; ln -s y alias; ln -s /etc/passwd x; ln -s / root; mkfifo p\n");
    const res = await b.execute(r, new AbortController().signal);
    expect(res.exitCode).toBe(0);
    expect(await res.toHost(containerPath("alias"), "File")).toBe(path.join(r.workDir, "y"));
    await expect(res.toHost(containerPath("x"))).rejects.toThrow("x is a symbolic link to /etc/passwd, outside the task's working directory and inputs");
    await expect(res.toHost(containerPath("root/etc/passwd"))).rejects.toThrow("root/etc/passwd: root is a symbolic link to /");
    await expect(res.toHost(containerPath("p"), "File")).rejects.toThrow("p is a FIFO, not a regular file");
    await expect(res.toHost(containerPath("/etc/hostname"))).rejects.toThrow("/etc/hostname is outside the task's working directory and inputs");
    await expect(res.toHost(containerPath("."), "File")).rejects.toThrow("is a directory, not a regular file");
    await b.close();
  });

  it("runs the command with the configured shell, and names it when it cannot start", async () => {
    const b = new LocalBackend({ shell: "sh", notice: () => {} });
    const r = await request("readlink /proc/$$/exe\n");
    const res = await b.execute(r, new AbortController().signal);
    expect(res.exitCode).toBe(0);
    const shellBinary = path.basename((await readFile(r.stdoutFile, "utf8")).trim());
    expect(shellBinary).not.toBe("bash"); // sh is dash (Debian) or busybox, never bash here
    expect(shellBinary).toMatch(/^(dash|sh|busybox)$/);
    const missing = new LocalBackend({ shell: "no-such-shell-here", notice: () => {} });
    await expect(missing.execute(await request("true"), new AbortController().signal)).rejects.toThrow(/the shell 'no-such-shell-here'.*WDLRUN_SHELL/);
    await b.close();
    await missing.close();
  });
  it("maps paths to themselves and reports the host's capacity", async () => {
    const b = new LocalBackend({ gpuIds: ["0"] });
    const layout = b.layout(attemptPaths(hostPath("/r/a")), [{ host: hostPath("/data/x.txt"), source: hostPath("/store/x.txt"), directory: false }]);
    expect(layout.workDir).toBe("/r/a/work");
    expect(layout.inputs[0]).toEqual({ host: "/data/x.txt", container: "/data/x.txt", source: "/store/x.txt", directory: false, role: "input" });
    expect(layout.toContainer(hostPath("/r/a/work/y"))).toBe("/r/a/work/y");
    const cap = await b.capacity();
    expect(cap.cpu).toBeGreaterThanOrEqual(1);
    expect(cap.memoryBytes).toBe(os.totalmem());
    expect(cap.gpuIds).toEqual(["0"]);
  });

  it("kills the whole process group when aborted", async () => {
    const b = new LocalBackend({ killGraceSeconds: 1 });
    const r = await request("sleep 30 & sleep 30; echo never\n");
    const ac = new AbortController();
    const t0 = Date.now();
    const p = b.execute(r, ac.signal);
    setTimeout(() => ac.abort(), 200);
    const res = await p;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(res.exitCode).toBe(128 + 15);
    expect(await readFile(r.stdoutFile, "utf8")).toBe("");
  });
});

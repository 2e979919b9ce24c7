/**
 * File ownership and socket permissions with wdlrun running as an ordinary
 * user (a child process that drops root): files a task writes as root in its
 * container end up owned by that user, and a user outside the socket's group
 * is told how to get access.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, readdirSync, realpathSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { connect } from "../../src/backends/engine/index.js";
import { LABEL_CALL, LABEL_RUN } from "../../src/backends/engine/labels.js";
import { dockerHost, dockerSkipReason, tempDir } from "./kit.js";

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), "helpers", "as-user.ts");
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const isRoot = process.getuid?.() === 0;
const skip = dockerSkipReason() || (isRoot ? "" : "these tests start a child as another user, which needs root");

function socketGroup(host: string): number | undefined {
  if (!host.startsWith("unix://")) return undefined;
  return statSync(host.slice("unix://".length)).gid;
}

function runAs(uid: number, gid: number, groups: number[], command: string): { ok: boolean; exitCode?: number; workDir?: string; error?: string } {
  const root = tempDir("wdlrun-owner-");
  chmodSync(root, 0o777);
  const out = spawnSync(
    process.execPath,
    ["--import", "tsx", child, JSON.stringify({ uid, gid, groups, host: dockerHost(), root, runId: `it-owner-${process.pid}`, command })],
    { encoding: "utf8", timeout: 60_000 },
  );
  const line = out.stdout.trim().split("\n").pop() ?? "";
  if (!line.startsWith("{")) throw new Error(`child failed: ${out.stderr}`);
  return JSON.parse(line) as { ok: boolean; exitCode?: number; workDir?: string; error?: string };
}

describe.skipIf(skip !== "")(`Docker backend as an ordinary user${skip ? ` (${skip})` : ""}`, () => {
  it("leaves every file the task wrote owned by the user who ran wdlrun", () => {
    const group = socketGroup(dockerHost());
    const r = runAs(65534, 65534, group !== undefined ? [group] : [], "id -u; mkdir -p a/b && echo x > a/b/f && echo y > top && ln -s top link");
    expect(r).toMatchObject({ ok: true, exitCode: 0 });
    const walk = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(d, e.name);
        return e.isDirectory() ? [p, ...walk(p)] : [p];
      });
    const files = walk(r.workDir!);
    expect(files.map((f) => path.relative(r.workDir!, f)).sort()).toEqual(["a", "a/b", "a/b/f", "link", "top"]);
    for (const f of files) {
      const st = lstatSync(f);
      expect([f, st.uid, st.gid]).toEqual([f, 65534, 65534]);
    }
    const attempt = path.dirname(r.workDir!);
    for (const f of ["stdout", "stderr", "work"]) expect(statSync(path.join(attempt, f)).uid).toBe(65534);
  });

  it("hands the files back when an abort has to kill a command that ignores SIGTERM (no second container)", async () => {
    const group = socketGroup(dockerHost());
    const dir = tempDir("wdlrun-owner-abort-");
    chmodSync(dir, 0o777);
    const file = path.join(dir, "main.wdl");
    writeFileSync(
      file,
      `version 1.1\ntask stubborn { command <<< trap '' TERM; mkdir -p a/b; echo x > a/b/f; touch ready; sleep 300 >>> runtime { docker: "ubuntu:latest" } }\n`,
    );
    const cli = path.join(path.dirname(child), "as-user-cli.ts");
    const ids = JSON.stringify({ uid: 65534, gid: 65534, groups: group !== undefined ? [group] : [] });
    const proc = spawn(process.execPath, ["--import", "tsx", cli, ids, "run", file, "--backend", "docker", "--out", path.join(dir, "runs")], {
      cwd: root,
      env: { ...process.env, DOCKER_HOST: dockerHost(), HOME: dir },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => proc.once("close", resolve));
    const work = () => readdirSync(path.join(dir, "runs", "latest", "call-stubborn", "attempt-1", "work"));
    const t0 = Date.now();
    while (!(existsSync(path.join(dir, "runs", "latest", "call-stubborn", "attempt-1", "work")) && work().includes("ready"))) {
      if (proc.exitCode !== null || Date.now() - t0 > 60_000) throw new Error(`the task never started: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    proc.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 200));
    proc.kill("SIGINT");
    expect(await closed, stderr).toBe(130);
    const workDir = path.join(dir, "runs", "latest", "call-stubborn", "attempt-1", "work");
    for (const f of ["a", "a/b", "a/b/f", "ready"]) expect([f, lstatSync(path.join(workDir, f)).uid]).toEqual([f, 65534]);
  }, 90_000);

  it("hands the files of a killed run back at the next sweep: a running leftover by an exec, a stopped one by a short container", async () => {
    const group = socketGroup(dockerHost());
    const dir = tempDir("wdlrun-owner-killed-");
    chmodSync(dir, 0o777);
    const file = path.join(dir, "main.wdl");
    writeFileSync(
      file,
      `version 1.1\nworkflow w { scatter (i in [0, 1]) { call stubborn } }\ntask stubborn { command <<< trap '' TERM; mkdir -p a/b; echo x > a/b/f; touch ready; sleep 300 >>> runtime { docker: "ubuntu:latest" } }\n`,
    );
    const cli = path.join(path.dirname(child), "as-user-cli.ts");
    const ids = JSON.stringify({ uid: 65534, gid: 65534, groups: group !== undefined ? [group] : [] });
    const env = { ...process.env, DOCKER_HOST: dockerHost(), HOME: dir };
    const proc = spawn(process.execPath, ["--import", "tsx", cli, ids, "run", file, "--backend", "docker", "--out", path.join(dir, "runs")], {
      cwd: root,
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => proc.once("close", resolve));
    const works = [0, 1].map((i) => path.join(dir, "runs", "latest", `call-stubborn-000${i}`, "attempt-1", "work"));
    const t0 = Date.now();
    while (!works.every((w) => existsSync(path.join(w, "ready")))) {
      if (proc.exitCode !== null || Date.now() - t0 > 90_000) throw new Error(`the tasks never started: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    proc.kill("SIGKILL");
    await closed;
    // One container is stopped behind wdlrun's back (as a restarted engine does): its wrapper never hands back.
    const docker = connect(dockerHost());
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL_CALL}=call-stubborn-0000`] } });
    expect(left).toHaveLength(1);
    await docker.getContainer(left[0]!.Id).kill({ signal: "SIGKILL" });
    for (const w of works) expect(lstatSync(path.join(w, "a", "b", "f")).uid).toBe(0);

    const clean = spawnSync(process.execPath, ["--import", "tsx", cli, ids, "clean"], { cwd: root, env, encoding: "utf8", timeout: 120_000 });
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout + clean.stderr).toMatch(/removed 2 container/);
    for (const w of works) for (const f of ["a", "a/b", "a/b/f", "ready"]) expect([w, f, lstatSync(path.join(w, f)).uid]).toEqual([w, f, 65534]);
    const runId = path.basename(realpathSync(path.join(dir, "runs", "latest")));
    expect(await docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runId}`] } })).toEqual([]);
  }, 240_000);

  it("explains a permission error on the socket", () => {
    const r = runAs(65534, 65534, [], "true");
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/^permission denied on the Docker socket .*: add your user to the docker group/);
  });

  it("with --backend auto, says the socket refuses this user before running tasks locally", () => {
    const dir = tempDir("wdlrun-owner-auto-");
    chmodSync(dir, 0o777);
    const file = path.join(dir, "main.wdl");
    writeFileSync(file, `version 1.1\ntask t { command <<< echo local >>> output { String out = read_string(stdout()) } runtime { docker: "ubuntu:latest" } }\n`);
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "src/cli/main.ts"), "run", file, "--out", path.join(dir, "runs")], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
      // A uid/gid given here also drops root's supplementary groups: not in the socket's group.
      uid: 65534,
      gid: 65534,
      env: { PATH: process.env.PATH, HOME: dir, DOCKER_HOST: dockerHost() },
    });
    expect(r.status, r.stderr).toBe(0);
    const socket = dockerHost().replace(/^unix:\/\//, "");
    // The run's first line names the backend (issue 17); the reason for falling back to local follows at once.
    expect(r.stderr.split("\n")[0]).toBe("wdlrun: backend local, tasks as processes on this machine");
    expect(r.stderr.split("\n")[1]).toBe(
      `wdlrun: permission denied on the Docker socket ${socket}: add your user to the docker group (sudo usermod -aG docker $USER, then log in again), run as root, or use --backend local; meanwhile tasks run as local processes, ignoring their containers`,
    );
    expect(JSON.parse(r.stdout)).toEqual({ "t.out": "local" });
  });
});

/**
 * The Docker backend's box, end to end from the CLI on a real engine: links a
 * task hands back never reach host files (absolute, relative, through a
 * linked folder; in outputs, `read_*`, `glob`, and for a later task), the
 * copy-out writes nothing outside the run, only regular files and folders
 * cross into a task, container paths do not depend on host paths, and the
 * hardening settings reach the container.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../src/backends/engine/index.js";
import { LABEL_RUN } from "../../src/backends/engine/labels.js";
import { dockerHost, dockerSkipReason, root, runWdl, tempDir } from "./kit.js";

const skip = dockerSkipReason();

/** A host folder with a file only the host has: its text must never show up in a run. */
const secretDir = tempDir("wdlrun-secret-");
const SECRET = `HOST-SECRET-${randomBytes(8).toString("hex")}`;
const secretFile = path.join(secretDir, "secret.txt");
writeFileSync(secretFile, SECRET + "\n", { mode: 0o600 });

/** Every file under `dir` (links not followed), read as text. */
function allText(dir: string): string {
  if (!existsSync(dir)) return "";
  let text = "";
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) text += allText(p);
    else if (e.isFile()) text += readFileSync(p, "utf8");
  }
  return text;
}

/** A task whose command is `setup` and whose output section is `outputs`. */
const TASK = (setup: string, outputs: string) => `version 1.2
task t {
  command <<<
    ${setup}
  >>>
  output { ${outputs} }
  runtime { docker: "ubuntu:latest" }
}
`;

/** Runs `wdl` on Docker and checks the host secret appears nowhere (stdout, stderr, any file of the run). */
async function runContained(wdl: string, args: string[] = [], env: Record<string, string> = {}) {
  const r = await runWdl(wdl, args, { backend: "docker", env });
  expect(r.stdout + r.stderr).not.toContain(SECRET);
  expect(allText(r.runDir)).not.toContain(SECRET);
  return r;
}

function errorOf(runDir: string): string {
  return readFileSync(path.join(runDir, "error.json"), "utf8");
}

describe.skipIf(skip !== "")(`Docker containment from the CLI${skip ? ` (${skip})` : ""}`, () => {
  it("refuses an output that is an absolute symlink to a host file, naming the output, the link and its target", async () => {
    const r = await runContained(TASK(`ln -s ${secretFile} x`, `File out = "x"`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`output out: x is a symbolic link to ${secretFile}, outside the task's working directory and inputs`);
    expect(errorOf(r.runDir)).toContain("x is a symbolic link to");
  });

  it("refuses a relative link and a path through a linked folder (ln -s / root; root/<host file>)", async () => {
    const rel = await runContained(TASK(`ln -s ../../../../../../../../../../..${secretFile} x`, `File out = "x"`));
    expect(rel.code).toBe(1);
    expect(rel.stderr).toMatch(/output out: x is a symbolic link to (\.\.\/)+.*secret\.txt/);
    const through = await runContained(TASK("ln -s / root", `File out = "root${secretFile}"`));
    expect(through.code).toBe(1);
    expect(through.stderr).toContain(`output out: root${secretFile}: root is a symbolic link to / (root${secretFile} leads to ${secretFile}), outside`);
    // A link to the container's own files is refused the same way: only the work dir and inputs may be linked.
    const own = await runContained(TASK("ln -s /etc/hostname h", `File out = "h"`));
    expect(own.code).toBe(1);
    expect(own.stderr).toContain("output out: h is a symbolic link to /etc/hostname, outside");
  });

  it("refuses read_string, size and glob through such links", async () => {
    const read = await runContained(TASK(`ln -s ${secretFile} x`, `String s = read_string("x")`));
    expect(read.code).toBe(1);
    expect(read.stderr).toContain(`x is a symbolic link to ${secretFile}`);
    const size = await runContained(TASK(`ln -s ${secretFile} x`, `Float s = size("x")`));
    expect(size.code).toBe(1);
    expect(size.stderr).toContain(`x is a symbolic link to ${secretFile}`);
    const glob = await runContained(TASK(`ln -s ${secretDir} d`, `Array[File] fs = glob("d/*")`));
    expect(glob.code).toBe(1);
    expect(glob.stderr).toContain(`glob: d is a symbolic link to ${secretDir}, outside`);
  });

  it("never hands a later task a host file through a link, and keeps links between files of the run", async () => {
    const wdl = `version 1.1
task make {
  input { File i  Boolean evil }
  command <<<
    mkdir sub && echo inner > sub/f.txt && ln -s sub alias
    ln -s ~{i} to-input
    if ~{evil}; then ln -s ${secretFile} leak; else echo fine > leak; fi
  >>>
  output { File via_alias = "alias/f.txt"  File same = "to-input"  File leak = "leak"  Array[File] g = glob("alias/*") }
  runtime { docker: "ubuntu:latest" }
}
task show {
  input { File f }
  command <<< cat ~{f} >>>
  output { String s = read_string(stdout()) }
  runtime { docker: "ubuntu:latest" }
}
workflow w {
  input { File i  Boolean evil }
  call make { input: i = i, evil = evil }
  call show { input: f = make.leak }
  output { String s = show.s  File via_alias = make.via_alias  File same = make.same  Array[File] g = make.g }
}
`;
    const dir = tempDir("wdlrun-chain-");
    const input = path.join(dir, "in.txt");
    writeFileSync(input, "input\n");
    const good = await runContained(wdl, [`i=${input}`, "evil=false"]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.outputs["w.s"]).toBe("fine");
    // A link to an input comes back under its own name (issue: outputs keep the link's name), opening the input.
    expect(good.outputs["w.same"]).toMatch(/\/call-make\/attempt-1\/work\/to-input$/);
    expect(realpathSync(good.outputs["w.same"] as string)).toBe(realpathSync(input));
    expect(readFileSync(good.outputs["w.via_alias"] as string, "utf8")).toBe("inner\n");
    expect((good.outputs["w.g"] as string[]).map((f) => readFileSync(f, "utf8"))).toEqual(["inner\n"]);
    const bad = await runContained(wdl, [`i=${input}`, "evil=true"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`output leak: leak is a symbolic link to ${secretFile}`);
    expect(existsSync(path.join(bad.runDir, "call-show"))).toBe(false);
  });

  it("copies files out of the container's own file system without following links: nothing lands outside the run", async () => {
    const target = tempDir("wdlrun-target-");
    const before = readdirSync(target);
    // Output 1: a folder with a link to a host folder inside; output 2: a path under that link.
    const setup = `mkdir -p /tmp/d ${target}/sub && echo x > ${target}/sub/f && ln -s ${target} /tmp/d/l && ln -s ${target} /tmp/l`;
    const under = await runContained(TASK(setup, `Directory d = "/tmp/d"  File f = "/tmp/d/l/sub/f"`));
    expect(under.code).toBe(1);
    expect(under.stderr).toMatch(/output f: .*symbolic link.*not followed/);
    expect(readdirSync(target)).toEqual(before);
    // A link first, then a path under it (the engine resolves the link in the container: refused).
    const link = await runContained(TASK(setup, `File a = "/tmp/l"  File b = "/tmp/l/sub/f"`));
    expect(link.code).toBe(1);
    expect(link.stderr).toContain(`output a: /tmp/l is a symbolic link to ${target}, outside`);
    expect(readdirSync(target)).toEqual(before);
    // The container's own file at that path is its own, copied under the attempt.
    const own = await runContained(TASK(setup, `File b = "/tmp/l/sub/f"`));
    expect(own.code, own.stderr).toBe(0);
    const copied = own.outputs["t.b"] as string;
    expect(copied.startsWith(path.join(own.runDir, "call-t", "attempt-1", "outside") + "/")).toBe(true);
    expect(readFileSync(copied, "utf8")).toBe("x\n");
    expect(readdirSync(target)).toEqual(before);
  });

  it("refuses a socket, a FIFO, a directory for File and a file for Directory as inputs, naming the key", async () => {
    const dir = tempDir("wdlrun-kinds-");
    const sock = path.join(dir, "engine.sock");
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      const fifo = path.join(dir, "pipe");
      expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
      const wdl = `version 1.2
task t {
  input { File? f  Directory? d }
  command <<< true >>>
  runtime { docker: "ubuntu:latest" }
}
`;
      const cases: [string, RegExp][] = [
        [`f=${sock}`, /input "t\.f": .*engine\.sock is a socket, not a regular file/],
        [`f=${fifo}`, /input "t\.f": .*pipe is a FIFO, not a regular file/],
        [`f=${dir}`, /input "t\.f": .* is a directory, not a regular file/],
        [`d=${sock}`, /input "t\.d": .*engine\.sock is a socket, not a directory/],
        [`d=${path.join(root, "README.md")}`, /input "t\.d": .*README\.md is a file, not a directory/],
      ];
      for (const [arg, message] of cases) {
        const r = await runWdl(wdl, [arg], { backend: "docker" });
        expect(r.code, arg).toBe(2);
        expect(r.stderr).toMatch(message);
      }
      // A String the document turns into a File is checked where it enters the task; so is a FIFO a task hands back.
      const literal = await runWdl(
        `version 1.1
task t { input { File f } command <<< cat ~{f} >>> runtime { docker: "ubuntu:latest" } }
workflow w { call t { input: f = "${sock}" } }
`,
        [],
        { backend: "docker" },
      );
      expect(literal.code).toBe(1);
      expect(literal.stderr).toContain(`input f: ${sock} is a socket, not a regular file: only regular files and directories cross into a task`);
      const made = await runWdl(TASK("mkfifo p", `File out = "p"`), [], { backend: "docker" });
      expect(made.code).toBe(1);
      expect(made.stderr).toContain("output out: p is a FIFO, not a regular file");
    } finally {
      server.close();
    }
  });

  it("shows the task paths of wdlrun's choosing: a host folder with a space and $(…) in --out and an input breaks nothing and runs nothing", async () => {
    const pwned = path.join(tempDir("wdlrun-pwned-"), "pwned");
    const odd = path.join(tempDir("wdlrun-odd-"), `my 'folder' $(touch ${pwned})`);
    mkdirSync(odd, { recursive: true });
    const input = path.join(odd, "in.txt");
    writeFileSync(input, "hello\n");
    const wdl = `version 1.1
task t {
  input { File f }
  command <<<
    cat ~{f}
    echo ~{f} > where
    pwd >> where
    echo ~{"in=" + f} >> where
    cat ~{write_lines([f])} >> where
  >>>
  output { String s = read_string(stdout())  Array[String] where = read_lines("where")  File same = f }
  runtime { docker: "ubuntu:latest" }
}
`;
    const r = await runWdl(wdl, [`f=${input}`], { backend: "docker", out: path.join(odd, "runs") });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs["t.s"]).toBe("hello");
    // A File turned into a String, and a file of paths written for the command, show container paths too.
    expect(r.outputs["t.where"]).toEqual(["/mnt/wdlrun/inputs/0/in.txt", "/mnt/wdlrun/work", "in=/mnt/wdlrun/inputs/0/in.txt", "/mnt/wdlrun/inputs/0/in.txt"]);
    expect(r.outputs["t.same"]).toBe(input);
    expect(existsSync(pwned)).toBe(false);
    expect(readFileSync(path.join(r.runDir, "call-t", "attempt-1", "command"), "utf8")).not.toContain(odd);
  });

  it("closes the other ways out: device nodes, set-id files, hard links to inputs, writes to inputs, `..`; copies of the container's own files hold no FIFO", async () => {
    const dir = tempDir("wdlrun-ways-");
    const input = path.join(dir, "in.txt");
    writeFileSync(input, "input\n");
    const wdl = `version 1.2
task t {
  input { File f }
  command <<<
    mknod dev b 8 0 2>/dev/null && echo mknod-made || echo mknod-refused
    cp /bin/true suid && chmod u+s,g+s suid
    ln ~{f} hard 2>/dev/null && echo hardlink-made || echo hardlink-refused
    (echo x > ~{f}) 2>/dev/null && echo input-written || echo input-read-only
  >>>
  output { Array[String] lines = read_lines(stdout())  File suid = "suid"  File up = "../../../etc/hostname"  File abs = "/etc/hostname" }
  runtime { docker: "ubuntu:latest" }
}
`;
    const r = await runContained(wdl, [`f=${input}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs["t.lines"]).toEqual(["mknod-refused", "hardlink-refused", "input-read-only"]);
    expect(statSync(r.outputs["t.suid"] as string).mode & 0o6000).toBe(0);
    expect(readFileSync(input, "utf8")).toBe("input\n");
    const outside = path.join(r.runDir, "call-t", "attempt-1", "outside") + "/";
    expect(r.outputs["t.up"]).toBe(r.outputs["t.abs"]);
    expect((r.outputs["t.abs"] as string).startsWith(outside)).toBe(true);
    const fifo = await runContained(TASK("mkdir /tmp/fd && echo a > /tmp/fd/a && mkfifo /tmp/fd/p", `Directory d = "/tmp/fd"`));
    expect(fifo.code).toBe(1);
    expect(fifo.stderr).toContain("output d: /tmp/fd holds a FIFO (fd/p): only regular files, directories and links leave a task; nothing was copied");
    expect(existsSync(path.join(fifo.runDir, "call-t", "attempt-1", "outside", "tmp", "fd"))).toBe(false);
  });

  describe("hardening", () => {
    let docker: ReturnType<typeof connect>;
    beforeAll(() => {
      docker = connect(dockerHost());
    });

    const PROBE = `version 1.1
task h {
  command <<<
    grep NoNewPrivs /proc/self/status
    cat /sys/fs/cgroup/pids/pids.max
    id -u
    touch made
  >>>
  output { Array[String] lines = read_lines(stdout())  File made = "made" }
  runtime { docker: "ubuntu:latest" }
}
`;

    it("runs every container with no-new-privileges and a pids limit (docker.pids_limit, default 4096)", async () => {
      const r = await runWdl(PROBE, [], { backend: "docker" });
      expect(r.code, r.stderr).toBe(0);
      expect(r.outputs["h.lines"]).toEqual(["NoNewPrivs:\t1", "4096", "0"]);
      const small = await runWdl(PROBE, [], { backend: "docker", env: { WDLRUN_DOCKER_PIDS_LIMIT: "50" } });
      expect((small.outputs["h.lines"] as string[])[1]).toBe("50");
    });

    it("takes the network away with docker.network = none", async () => {
      const r = await runWdl(PROBE, [], { backend: "docker", env: { WDLRUN_DOCKER_NETWORK: "none", WDLRUN_CLEANUP: "false" } });
      expect(r.code, r.stderr).toBe(0);
      const [c] = await docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${path.basename(r.runDir)}`] } });
      const info = await docker.getContainer(c!.Id).inspect();
      expect(info.HostConfig.NetworkMode).toBe("none");
      expect(info.HostConfig.SecurityOpt).toEqual(["no-new-privileges"]);
      await docker.getContainer(c!.Id).remove({ force: true });
    });

    it("runs the command as the invoking user with docker.user = invoking", () => {
      const dir = tempDir("wdlrun-invoking-");
      chmodSync(dir, 0o777);
      const file = path.join(dir, "main.wdl");
      writeFileSync(file, PROBE);
      const socket = dockerHost().replace(/^unix:\/\//, "");
      const group = statSync(socket).gid;
      const r = spawnSync(
        "setpriv",
        ["--reuid=65534", "--regid=65534", `--groups=${group}`, process.execPath, "--import", "tsx", path.join(root, "src/cli/main.ts"), "run", file, "--backend", "docker", "--out", path.join(dir, "runs")],
        { cwd: root, encoding: "utf8", timeout: 120_000, env: { PATH: process.env.PATH, HOME: dir, DOCKER_HOST: dockerHost(), WDLRUN_DOCKER_USER: "invoking" } },
      );
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      expect((out["h.lines"] as string[])[2]).toBe("65534");
      expect(lstatSync(out["h.made"] as string).uid).toBe(65534);
      rmSync(dir, { recursive: true, force: true });
    }, 150_000);
  });
});

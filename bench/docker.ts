/**
 * bench:docker — what wdlrun's Docker path costs per task, against the floor.
 *
 *   npm run bench:docker [-- --tasks 200 --concurrency 8 --rounds 1]
 *
 * In one process and against one engine (DOCKER_HOST, else wdlrun's own
 * dockerd socket, else the default socket) it times, at the same concurrency:
 *   floor    a bare dockerode loop: create, start, wait, remove (`true` in ubuntu:latest);
 *   backend  DockerBackend.execute() + release() for the same number of attempts
 *            (attempt directories and command files made as the runtime makes them);
 *   wdlrun   `wdlrun run` (the CLI's run command, in-process) of a scatter of
 *            trivial tasks with --backend docker, outputs read back.
 * and prints wall time, cost per task, and each ratio to the floor (target:
 * wdlrun within 1.15x). Needs an engine with the test images (npm run setup:docker).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { containerPath, hostPath, type AttemptRequest } from "../src/backends/backend.js";
import { DockerBackend, connect, engineUrl } from "../src/backends/docker/index.js";
import { runCommand } from "../src/cli/run.js";

interface Options {
  tasks: number;
  concurrency: number;
  rounds: number;
  image: string;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { tasks: 200, concurrency: 8, rounds: 1, image: "ubuntu:latest" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    if (a === "--backend") {
      if (v !== "docker") throw new Error(`bench/docker.ts benches the docker backend; --backend ${v} is not supported yet`);
      i++;
    } else if (a === "--tasks" || a === "--concurrency" || a === "--rounds") {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`${a} needs a positive whole number`);
      o[a.slice(2) as "tasks" | "concurrency" | "rounds"] = n;
      i++;
    } else if (a === "--image") {
      o.image = v ?? o.image;
      i++;
    } else throw new Error(`unknown option ${a} (options: --tasks N, --concurrency N, --rounds N, --image NAME)`);
  }
  return o;
}

/** Runs `count` jobs with at most `width` at once. */
async function pool(count: number, width: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}

async function floor(docker: Docker, o: Options): Promise<number> {
  const t0 = performance.now();
  await pool(o.tasks, o.concurrency, async () => {
    const c = await docker.createContainer({ Image: o.image, Cmd: ["true"], Labels: { "org.wdlrun.bench": "1" } });
    await c.start();
    await c.wait();
    await c.remove({ force: true });
  });
  return performance.now() - t0;
}

async function backendLoop(backend: DockerBackend, o: Options, root: string): Promise<number> {
  const never = new AbortController().signal;
  const t0 = performance.now();
  await pool(o.tasks, o.concurrency, async (i) => {
    const dir = path.join(root, `call-t-${String(i).padStart(4, "0")}`, "attempt-1");
    mkdirSync(path.join(dir, "work"), { recursive: true });
    writeFileSync(path.join(dir, "command"), `echo ${i}\n`);
    const request: AttemptRequest = {
      runId: "bench",
      callId: `call-t-${i}`,
      attempt: 1,
      dir: hostPath(dir),
      workDir: hostPath(path.join(dir, "work")),
      commandFile: hostPath(path.join(dir, "command")),
      stdoutFile: hostPath(path.join(dir, "stdout")),
      stderrFile: hostPath(path.join(dir, "stderr")),
      layout: backend.layout(hostPath(dir), []),
      env: {},
      containers: [o.image],
      resources: { cpu: 1, memoryBytes: 1e8, gpuIds: [], fpga: 0, disks: [{ mountPoint: containerPath("/"), sizeBytes: 2 ** 30 }] },
    };
    const r = await backend.execute(request, never);
    if (r.exitCode !== 0) throw new Error(`bench attempt ${i} exited with ${r.exitCode}`);
    await r.toHost(containerPath("stdout"));
    await r.release();
  });
  return performance.now() - t0;
}

const WDL = (image: string) => `version 1.1

task t {
  input { Int i }
  command <<<
    echo ~{i}
  >>>
  output { Int o = read_int(stdout()) }
  runtime { docker: "${image}" cpu: 1 memory: "100 MB" }
}

workflow bench {
  input { Int n }
  scatter (i in range(n)) {
    call t { input: i = i }
  }
  output { Array[Int] os = t.o }
}
`;

async function wdlrun(o: Options, root: string): Promise<number> {
  const file = path.join(root, "bench.wdl");
  writeFileSync(file, WDL(o.image));
  // Capacity and cap sized so that exactly `concurrency` one-CPU tasks run at once.
  process.env.WDLRUN_RESOURCES_CPU = String(o.concurrency);
  process.env.WDLRUN_CONCURRENCY = String(o.concurrency);
  let stdout = "";
  const errors: string[] = [];
  const t0 = performance.now();
  const code = await runCommand(file, [`n=${o.tasks}`], { backend: "docker", out: path.join(root, "runs") }, {
    stdout: { write: (t) => void (stdout += t) },
    stderr: { write: (t) => void (/error|fail/i.test(t) && errors.push(t.trim())), isTTY: false },
  });
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`wdlrun run exited with ${code}: ${errors.join(" | ")}`);
  const outs = (JSON.parse(stdout) as { "bench.os": number[] })["bench.os"];
  if (outs.length !== o.tasks || outs.some((v, i) => v !== i)) throw new Error("wdlrun run returned wrong outputs");
  return ms;
}

/** Wall time and this process's CPU time of one phase. */
interface Timing {
  readonly ms: number;
  readonly cpuMs: number;
}

async function timed(f: () => Promise<number>): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const ms = await f();
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function row(name: string, t: Timing, o: Options, floorMs: number): string {
  const per = t.ms / o.tasks;
  const ratio = (t.ms / floorMs).toFixed(3) + "x";
  return `${name.padEnd(8)} ${(t.ms / 1000).toFixed(2).padStart(8)} s  ${per.toFixed(1).padStart(7)} ms/task  ${ratio.padStart(7)}   wdlrun-process cpu ${(t.cpuMs / o.tasks).toFixed(1)} ms/task`;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const own = "unix:///tmp/wdlrun-dockerd/docker.sock";
  const url = process.env.DOCKER_HOST ? engineUrl(undefined) : (await connect(own).ping().then(() => own, () => engineUrl(undefined)));
  process.env.DOCKER_HOST = url;
  const docker = connect(url);
  const backend = await DockerBackend.open({ host: url, sweep: false, notice: () => undefined });
  process.stdout.write(`engine ${url}; ${o.tasks} tasks, ${o.concurrency} in flight, image ${o.image}, ${o.rounds} round(s)\n`);
  // Warm up: image cache, engine, connection pool.
  await floor(docker, { ...o, tasks: Math.min(o.tasks, o.concurrency * 2) });
  for (let round = 1; round <= o.rounds; round++) {
    const root = mkdtempSync(path.join(tmpdir(), "wdlrun-bench-"));
    try {
      const f = await timed(() => floor(docker, o));
      const b = await timed(() => backendLoop(backend, o, root));
      const w = await timed(() => wdlrun(o, root));
      process.stdout.write(`round ${round}\n${row("floor", f, o, f.ms)}\n${row("backend", b, o, f.ms)}\n${row("wdlrun", w, o, f.ms)}\n`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  await backend.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:docker: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});

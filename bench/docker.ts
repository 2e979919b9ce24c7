/**
 * bench:docker — what wdlrun's Docker path costs per task, against the floor.
 *
 *   npm run bench:docker [-- --tasks 200 --concurrency 8 --rounds 1]
 *
 * In one process and against one engine (`--host URL`, else DOCKER_HOST, else
 * wdlrun's own dockerd socket, else the default socket; Docker or Podman, told
 * apart by its version answer and named in the first line) it times, at the
 * same concurrency:
 *   floor    a bare dockerode loop: create, start, wait, remove (`true` in ubuntu:latest);
 *   piped    the pipelined floor: bare containers with the definition wdlrun
 *            gives an attempt (DockerBackend.containerDefinition: mounts,
 *            hardening, labels, wrapper), the next ones created while earlier
 *            ones run, removals off the critical path;
 *   backend  DockerBackend.execute() + release() for the same number of attempts
 *            (attempt directories and command files made as the runtime makes them);
 *   wdlrun   `wdlrun run` (the CLI's run command, in-process) of a scatter of
 *            trivial tasks with --backend docker, outputs read back.
 * after a warm-up (a short floor loop and a small `wdlrun run`, which loads
 * wdlrun's modules), and prints wall time, cost per task, this process's CPU and the engine's
 * (the daemons behind a local socket: a load-proof measure of the engine work
 * each phase asks for), and each ratio to the floor and to the
 * pipelined floor (target: wdlrun within 1.03x of the pipelined floor). Then
 * it times one trivial task end to end, `wdlrun run` of a one-task document
 * as a new process (bin/wdlrun.js, from process start to exit; median of
 * --single runs, default 5; target 0.45 s) next to `node -e 0`.
 * Needs an engine with the test images (npm run setup:docker) and a build
 * (npm run build) for the one-task row.
 *
 * `npm run bench:podman` is `--host` at the Podman of scripts/setup-podman.sh:
 * the floor is then the same bare loop on Podman's Docker-compatible API.
 *
 * `--backend swarm` (npm run bench:swarm) does the same on a swarm manager
 * (bench/swarm.ts: the floor is a bare service loop; tasks reserve the node's
 * CPUs divided by the concurrency, so that many fit at once).
 */
import "../src/cli/tiering.js"; // V8 tiers up as in the CLI (bin/wdlrun.js)
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Docker from "dockerode";
import { containerPath, hostPath, type AttemptRequest } from "../src/backends/backend.js";
import { DockerBackend } from "../src/backends/docker/index.js";
import { connect, engineUrl } from "../src/backends/engine/index.js";
import { runCommand } from "../src/cli/run.js";
import type { Backend } from "../src/backends/backend.js";
import { openSwarm, swarmFloor } from "./swarm.js";

interface Options {
  backend: "docker" | "swarm";
  tasks: number;
  concurrency: number;
  rounds: number;
  /** Runs of the one-task end-to-end row (0: none). */
  single: number;
  image: string;
  host: string | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { backend: "docker", tasks: 200, concurrency: 8, rounds: 1, single: 5, image: "ubuntu:latest", host: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    if (a === "--backend") {
      if (v !== "docker" && v !== "swarm") throw new Error(`--backend must be docker or swarm, not ${v}`);
      o.backend = v;
      i++;
    } else if (a === "--tasks" || a === "--concurrency" || a === "--rounds" || a === "--single") {
      const n = Number(v);
      if (!Number.isInteger(n) || n < (a === "--single" ? 0 : 1)) throw new Error(`${a} needs a ${a === "--single" ? "whole" : "positive whole"} number`);
      o[a.slice(2) as "tasks" | "concurrency" | "rounds" | "single"] = n;
      i++;
    } else if (a === "--host") {
      o.host = v;
      i++;
    } else if (a === "--image") {
      o.image = v ?? o.image;
      i++;
    } else throw new Error(`unknown option ${a} (options: --tasks N, --concurrency N, --rounds N, --single N, --image NAME, --host URL)`);
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

/**
 * The pipelined floor: `o.tasks` bare containers with the definition wdlrun
 * gives an attempt, `o.concurrency` running at once, the next ones created
 * while earlier ones run (as many ahead as run), removals not waited for
 * before the next start. The attempt directories are made before the clock
 * starts (they are wdlrun's work, not the engine's).
 */
async function pipelinedFloor(docker: Docker, backend: DockerBackend, o: Options, root: string): Promise<number> {
  const definitions = Array.from({ length: o.tasks }, (_, i) => {
    const request = benchRequest(backend, path.join(root, "piped"), i, o.image);
    for (const f of [request.stdoutFile, request.stderrFile]) writeFileSync(f, "");
    return backend.containerDefinition(request, o.image);
  });
  const t0 = performance.now();
  const created: Promise<Docker.Container>[] = [];
  const createNext = () => {
    if (created.length < o.tasks) created.push(docker.createContainer(definitions[created.length]!));
  };
  for (let i = 0; i < o.concurrency; i++) createNext();
  const removals: Promise<unknown>[] = [];
  await pool(o.tasks, o.concurrency, async (i) => {
    const c = await created[i]!;
    createNext();
    await c.start();
    const { StatusCode } = (await c.wait()) as { StatusCode: number };
    if (StatusCode !== 0) throw new Error(`pipelined floor container ${i} exited with ${StatusCode}`);
    removals.push(c.remove({ force: true, v: true }));
  });
  await Promise.all(removals);
  return performance.now() - t0;
}

/** The attempt request for bench task `i` under `root`, its attempt directory and command file made as the runtime makes them. */
function benchRequest(backend: Backend, root: string, i: number, image: string, cpu = 1): AttemptRequest {
  const dir = path.join(root, `call-t-${String(i).padStart(4, "0")}`, "attempt-1");
  mkdirSync(path.join(dir, "work"), { recursive: true });
  writeFileSync(path.join(dir, "command"), `echo ${i}\n`);
  const files = {
    dir: hostPath(dir),
    workDir: hostPath(path.join(dir, "work")),
    commandFile: hostPath(path.join(dir, "command")),
    stdoutFile: hostPath(path.join(dir, "stdout")),
    stderrFile: hostPath(path.join(dir, "stderr")),
  };
  return {
    runId: "bench",
    callId: `call-t-${i}`,
    attempt: 1,
    ...files,
    layout: backend.layout(files, []),
    env: {},
    containers: [image],
    resources: { cpu, memoryBytes: 1e8, gpuIds: [], fpga: 0, disks: [{ mountPoint: containerPath("/"), sizeBytes: 2 ** 30 }] },
  };
}

async function backendLoop(backend: Backend, o: Options, root: string, cpu = 1): Promise<number> {
  const never = new AbortController().signal;
  const t0 = performance.now();
  await pool(o.tasks, o.concurrency, async (i) => {
    const r = await backend.execute(benchRequest(backend, root, i, o.image, cpu), never);
    if (r.exitCode !== 0) throw new Error(`bench attempt ${i} exited with ${r.exitCode}`);
    await r.toHost(containerPath("stdout"));
    await r.release();
  });
  return performance.now() - t0;
}

const WDL = (image: string, cpu = 1) => `version 1.1

task t {
  input { Int i }
  command <<<
    echo ~{i}
  >>>
  output { Int o = read_int(stdout()) }
  runtime { docker: "${image}" cpu: ${cpu} memory: "100 MB" }
}

workflow bench {
  input { Int n }
  scatter (i in range(n)) {
    call t { input: i = i }
  }
  output { Array[Int] os = t.o }
}
`;

async function wdlrun(o: Options, root: string, cpu = 1): Promise<number> {
  const file = path.join(root, "bench.wdl");
  writeFileSync(file, WDL(o.image, cpu));
  // Capacity and cap sized so that exactly `concurrency` one-CPU tasks run at once.
  process.env.WDLRUN_RESOURCES_CPU = String(o.concurrency);
  process.env.WDLRUN_CONCURRENCY = String(o.concurrency);
  let stdout = "";
  const errors: string[] = [];
  const t0 = performance.now();
  const code = await runCommand(file, [`n=${o.tasks}`], { backend: o.backend, out: path.join(root, "runs") }, {
    stdout: { write: (t) => void (stdout += t) },
    stderr: { write: (t) => void (/error|fail/i.test(t) && errors.push(t.trim())), isTTY: false },
  });
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`wdlrun run exited with ${code}: ${errors.join(" | ")}`);
  const outs = (JSON.parse(stdout) as { "bench.os": number[] })["bench.os"];
  if (outs.length !== o.tasks || outs.some((v, i) => v !== i)) throw new Error("wdlrun run returned wrong outputs");
  return ms;
}

/** Wall time, this process's CPU time and the engine's CPU time (undefined: not measurable) of one phase. */
interface Timing {
  readonly ms: number;
  readonly cpuMs: number;
  readonly engineCpuMs: number | undefined;
}

/** The engine's processes: set in main from the socket (see engineProcesses). */
let enginePids: readonly number[] = [];

async function timed(f: () => Promise<number>): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const engine0 = engineCpuMs(enginePids);
  const ms = await f();
  const cpu = process.cpuUsage(cpu0);
  const engine1 = engineCpuMs(enginePids);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, engineCpuMs: engine0 === undefined || engine1 === undefined ? undefined : engine1 - engine0 };
}

/**
 * The daemons behind a local unix socket: every process whose command line
 * names the socket's path (dockerd, podman system service) and their
 * descendants alive now (containerd). Container shims are left out (they
 * outlive their parent's accounting), so the figure is a floor of the
 * engine's work; it is the same floor for every phase.
 */
function engineProcesses(url: string): number[] {
  if (!url.startsWith("unix://")) return [];
  const socket = url.slice("unix://".length);
  const procs = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  const parent = new Map<number, number>();
  const roots: number[] = [];
  for (const d of procs) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
      if (readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0").some((a) => a.includes(socket))) roots.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  // This process and its ancestors (npm, a shell) may name the socket in --host: not the engine.
  const mine = new Set<number>();
  for (let pid: number | undefined = process.pid; pid !== undefined && pid > 1 && !mine.has(pid); pid = parent.get(pid)) mine.add(pid);
  const within = (pid: number): boolean => !mine.has(pid) && (roots.includes(pid) || (parent.get(pid) !== undefined && parent.get(pid) !== pid && within(parent.get(pid)!)));
  return [...parent.keys()].filter(within);
}

/** The user+system CPU milliseconds the processes have used so far (undefined when none or one is gone). */
function engineCpuMs(pids: readonly number[]): number | undefined {
  if (pids.length === 0) return undefined;
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return undefined;
    }
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

/** Linux's USER_HZ: /proc's CPU times are in hundredths of a second. */
const CLOCK_TICKS = 100;

/** One phase's line: wall time, per task, its ratio to the floor (and to the pipelined floor when given), this process's CPU per task. */
function row(name: string, t: Timing, o: Options, floorMs: number, pipedMs?: number): string {
  const per = t.ms / o.tasks;
  const ratio = (t.ms / floorMs).toFixed(3) + "x";
  const piped = pipedMs === undefined ? "" : `  ${((t.ms / pipedMs).toFixed(3) + "x").padStart(7)} of piped`;
  const engine = t.engineCpuMs === undefined ? "" : `   engine cpu ${(t.engineCpuMs / o.tasks).toFixed(1)} ms/task`;
  return `${name.padEnd(8)} ${(t.ms / 1000).toFixed(2).padStart(8)} s  ${per.toFixed(1).padStart(7)} ms/task  ${ratio.padStart(7)}${piped}   wdlrun-process cpu ${(t.cpuMs / o.tasks).toFixed(1)} ms/task${engine}`;
}

/** The median of `xs` (the lower middle one of an even count). */
function medianOf(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * One trivial task end to end: `node bin/wdlrun.js run one.wdl --backend
 * docker` from process start to exit, interleaved with `node -e 0` and with
 * one bare container of the same definition (create, start, wait, remove);
 * prints the medians of `o.single` rounds and what is left for wdlrun itself.
 */
async function singleTask(docker: Docker, backend: DockerBackend, o: Options, url: string): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "wdlrun-bench-one-"));
  try {
    const file = path.join(dir, "one.wdl");
    writeFileSync(file, `version 1.1\ntask one {\n  command <<< echo 1 >>>\n  output { Int o = read_int(stdout()) }\n  runtime { docker: "${o.image}" }\n}\n`);
    const args = [path.join(repoRoot, "bin", "wdlrun.js"), "run", file, "--backend", "docker", "--out", path.join(dir, "runs")];
    const time = (argv: string[]): number => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, argv, { cwd: dir, encoding: "utf8", env: { ...process.env, DOCKER_HOST: url } });
      if (r.status !== 0) throw new Error(`${argv.join(" ")} exited ${r.status}: ${r.stderr.trim().split("\n").pop()}`);
      return performance.now() - t0;
    };
    let n = 0;
    const bare = async (): Promise<number> => {
      const request = benchRequest(backend, path.join(dir, "bare"), n++, o.image);
      for (const f of [request.stdoutFile, request.stderrFile]) writeFileSync(f, "");
      const definition = backend.containerDefinition(request, o.image);
      const t0 = performance.now();
      const c = await docker.createContainer(definition);
      await c.start();
      await c.wait();
      await c.remove({ force: true, v: true });
      return performance.now() - t0;
    };
    time(args); // warm the file cache and the engine
    const node: number[] = [];
    const one: number[] = [];
    const container: number[] = [];
    for (let i = 0; i < o.single; i++) {
      node.push(time(["-e", "0"]));
      container.push(await bare());
      one.push(time(args));
    }
    const [w, b, z] = [medianOf(one), medianOf(container), medianOf(node)];
    process.stdout.write(
      `one task end to end (wdlrun run as a new process, median of ${o.single}): ${(w / 1000).toFixed(3)} s (target 0.45 s); ` +
        `of which one bare container ${(b / 1000).toFixed(3)} s and node -e 0 ${(z / 1000).toFixed(3)} s: wdlrun's own ${((w - b - z) / 1000).toFixed(3)} s\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.backend === "swarm") return swarmMain(o);
  const own = "unix:///tmp/wdlrun-dockerd/docker.sock";
  const url = o.host ?? process.env.DOCKER_HOST ? engineUrl(o.host) : (await connect(own).ping().then(() => own, () => engineUrl(undefined)));
  process.env.DOCKER_HOST = url;
  enginePids = engineProcesses(url);
  const docker = connect(url);
  if (enginePids.length > 0) process.stdout.write(`engine cpu: processes ${enginePids.join(", ")} (the daemons behind the socket and their children)\n`);
  const backend = await DockerBackend.open({ host: url, sweep: false, notice: () => undefined });
  process.stdout.write(`${backend.engine}; ${o.tasks} tasks, ${o.concurrency} in flight, image ${o.image}, ${o.rounds} round(s)\n`);
  // Warm up: image cache, engine, connection pool, and wdlrun's modules (loaded, and compiled from
  // TypeScript by tsx, on a run's first call: not a per-task cost, and not what a user's build does).
  await floor(docker, { ...o, tasks: Math.min(o.tasks, o.concurrency * 2) });
  const warm = mkdtempSync(path.join(tmpdir(), "wdlrun-bench-warm-"));
  try {
    await wdlrun({ ...o, tasks: Math.min(o.tasks, o.concurrency) }, warm);
  } finally {
    rmSync(warm, { recursive: true, force: true });
  }
  // Phases rotate from round to round so that drift in the machine's load
  // (it is shared) does not favour one of them; the summary takes medians.
  const phases: { name: string; run: (root: string) => Promise<number> }[] = [
    { name: "floor", run: () => floor(docker, o) },
    { name: "piped", run: (root) => pipelinedFloor(docker, backend, o, root) },
    { name: "backend", run: (root) => backendLoop(backend, o, root) },
    { name: "wdlrun", run: (root) => wdlrun(o, root) },
  ];
  const results = new Map<string, Timing[]>(phases.map((p) => [p.name, []]));
  for (let round = 0; round < o.rounds; round++) {
    const root = mkdtempSync(path.join(tmpdir(), "wdlrun-bench-"));
    try {
      const order = phases.map((_, i) => phases[(i + round) % phases.length]!);
      const got = new Map<string, Timing>();
      for (const p of order) got.set(p.name, await timed(() => p.run(root)));
      for (const [name, t] of got) results.get(name)!.push(t);
      const f = got.get("floor")!.ms;
      const piped = got.get("piped")!.ms;
      process.stdout.write(`round ${round + 1} (order: ${order.map((p) => p.name).join(", ")})\n`);
      for (const p of phases) process.stdout.write(row(p.name, got.get(p.name)!, o, f, piped) + "\n");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  if (o.rounds > 1) {
    const median = (ts: Timing[]): Timing => {
      const sorted = [...ts].sort((a, b) => a.ms - b.ms);
      return sorted[Math.floor((sorted.length - 1) / 2)]!;
    };
    const f = median(results.get("floor")!).ms;
    const piped = median(results.get("piped")!).ms;
    process.stdout.write(`median of ${o.rounds} rounds\n`);
    for (const p of phases) process.stdout.write(row(p.name, median(results.get(p.name)!), o, f, piped) + "\n");
  }
  // Each round's ratio is taken within the round (the same load), then the median over rounds.
  const ratios = results.get("wdlrun")!.map((t, i) => t.ms / results.get("piped")![i]!.ms);
  process.stdout.write(`wdlrun at ${o.concurrency} in flight: ${medianOf(ratios).toFixed(3)}x the pipelined floor${o.rounds > 1 ? ` (median of ${o.rounds} rounds' ratios)` : ""}; target 1.03x\n`);
  if (o.single > 0) await singleTask(docker, backend, o, url);
  await backend.close();
}

// ── swarm (npm run bench:swarm): same three rows against a swarm manager ──
async function swarmMain(o: Options): Promise<void> {
  const { url, backend, cpuPerNode, nodes } = await openSwarm();
  process.env.DOCKER_HOST = url;
  // Each task reserves its share of a node so that `concurrency` fit at once on one node.
  const cpu = Math.floor((cpuPerNode / o.concurrency) * 1000) / 1000;
  process.stdout.write(
    `swarm manager ${url} (${nodes} node${nodes === 1 ? "" : "s"}); ${o.tasks} tasks, ${o.concurrency} in flight (${cpu} CPU each), image ${o.image}, ${o.rounds} round(s)\n`,
  );
  await swarmFloor(url, { ...o, tasks: Math.min(o.tasks, o.concurrency * 2) }, cpu);
  const ratios: number[] = [];
  for (let round = 1; round <= o.rounds; round++) {
    const root = mkdtempSync(path.join(tmpdir(), "wdlrun-bench-"));
    try {
      const f = await timed(() => swarmFloor(url, o, cpu));
      const b = await timed(() => backendLoop(backend, o, root, cpu));
      const w = await timed(() => wdlrun(o, root, cpu));
      ratios.push(w.ms / f.ms);
      process.stdout.write(`round ${round}\n${row("floor", f, o, f.ms)}\n${row("backend", b, o, f.ms)}\n${row("wdlrun", w, o, f.ms)}\n`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  const median = [...ratios].sort((a, b) => a - b)[Math.floor((ratios.length - 1) / 2)]!;
  process.stdout.write(`wdlrun on ${nodes} swarm node${nodes === 1 ? "" : "s"}: ${median.toFixed(3)}x its floor${o.rounds > 1 ? ` (median of ${o.rounds} rounds)` : ""}\n`);
  await backend.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:docker: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});

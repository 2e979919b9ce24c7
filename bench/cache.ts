/**
 * bench:cache — what the call cache saves and what it costs.
 *
 *   npm run bench:cache [-- --tasks 100 --concurrency 8 --gib 1 --skip-docker --skip-digest]
 *
 * Docker part (DOCKER_HOST, else wdlrun's own dockerd socket, else the
 * default socket; needs the test images: npm run setup:docker): `wdlrun run
 * --cache` (the CLI's run command, in-process) of a scatter of `--tasks`
 * tasks plus one gathering task, in an image tagged for the benchmark, four
 * times against one fresh cache folder:
 *   cold      first run (every call runs and is stored);
 *   warm      the same run again (target: at most 10% of cold's wall time);
 *   one-elem  one scatter element's input changed (target: 2 calls run: it and the gather);
 *   retagged  the image tag moved to other content (target: every call runs).
 * Digest part: a `--gib` GiB file (written once into a temporary folder) read
 * once as a plain stream, then digested (target: about the same time, each
 * byte read once), then digested again by a fresh digester over the same
 * digest table, as the next run would (target: nothing read).
 */
import { createReadStream, mkdtempSync, openSync, rmSync, writeSync, closeSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect, engineUrl } from "../src/backends/engine/index.js";
import { runCommand } from "../src/cli/run.js";
import { ContentDigests } from "../src/runtime/cache/digest.js";

interface Options {
  tasks: number;
  concurrency: number;
  gib: number;
  docker: boolean;
  digest: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { tasks: 100, concurrency: 8, gib: 1, docker: true, digest: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--skip-docker") o.docker = false;
    else if (a === "--skip-digest") o.digest = false;
    else if (a === "--tasks" || a === "--concurrency" || a === "--gib") {
      const n = Number(argv[++i]);
      if (!(n > 0) || (a !== "--gib" && !Number.isInteger(n))) throw new Error(`${a} needs a positive number`);
      o[a.slice(2) as "tasks" | "concurrency" | "gib"] = n;
    } else throw new Error(`unknown option ${a} (options: --tasks N, --concurrency N, --gib N, --skip-docker, --skip-digest)`);
  }
  return o;
}

const TAG = { repo: "wdlrun-cache-bench", tag: "latest" };
const IMAGE = `${TAG.repo}:${TAG.tag}`;

const WDL = (cpu: number) => `version 1.1
task element {
  input { Int x }
  command <<< echo $(( ~{x} * 2 )) > out.txt >>>
  output { File out = "out.txt" }
  runtime { docker: "${IMAGE}" cpu: ${cpu} memory: "100 MB" }
}
task gather {
  input { Array[File] fs }
  command <<< cat ~{sep=" " fs} | wc -l >>>
  output { Int n = read_int(stdout()) }
  runtime { docker: "${IMAGE}" cpu: ${cpu} memory: "100 MB" }
}
workflow w {
  input { Array[Int] xs }
  scatter (x in xs) { call element { input: x = x } }
  call gather { input: fs = element.out }
  output { Int n = gather.n }
}
`;

/** One `wdlrun run --cache`: wall time and the cache's summary (reused, missed). */
async function cachedRun(file: string, xs: number[], root: string, cacheDir: string): Promise<{ ms: number; reused: number; missed: number }> {
  let stderr = "";
  process.env.WDLRUN_CACHE_DIR = cacheDir;
  const t0 = performance.now();
  const code = await runCommand(file, [`xs=${JSON.stringify(xs)}`], { backend: "docker", out: path.join(root, "runs"), cache: true }, {
    stdout: { write: () => undefined },
    stderr: { write: (t) => void (stderr += t), isTTY: false },
  });
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`wdlrun run exited with ${code}: ${stderr.split("\n").slice(-5).join(" | ")}`);
  const m = /call cache: (\d+) calls? reused, (\d+) missed/.exec(stderr);
  if (!m) throw new Error("no call cache summary in the run's log");
  return { ms, reused: Number(m[1]), missed: Number(m[2]) };
}

async function dockerPart(o: Options): Promise<void> {
  const own = "unix:///tmp/wdlrun-dockerd/docker.sock";
  const url = process.env.DOCKER_HOST ? engineUrl(undefined) : await connect(own).ping().then(() => own, () => engineUrl(undefined));
  process.env.DOCKER_HOST = url;
  process.env.WDLRUN_RESOURCES_CPU = String(o.concurrency);
  const docker = connect(url);
  const tag = (source: string) => docker.getImage(source).tag(TAG);
  const root = mkdtempSync(path.join(tmpdir(), "wdlrun-bench-cache-"));
  const file = path.join(root, "bench.wdl");
  writeFileSync(file, WDL(1));
  const cacheDir = path.join(root, "cache");
  const xs = Array.from({ length: o.tasks }, (_, i) => i);
  const calls = o.tasks + 1;
  process.stdout.write(`docker: engine ${url}; a scatter of ${o.tasks} tasks + 1 gather, ${o.concurrency} in flight, image ${IMAGE}\n`);
  try {
    await tag("wdlrun/test-ubuntu:focal-v2");
    const cold = await cachedRun(file, xs, root, cacheDir);
    const warm = await cachedRun(file, xs, root, cacheDir);
    const changed = xs.map((x, i) => (i === Math.floor(o.tasks / 3) ? x + 1000 : x));
    const one = await cachedRun(file, changed, root, cacheDir);
    await tag("wdlrun/test-ubuntu:jammy-v2");
    const retagged = await cachedRun(file, changed, root, cacheDir);
    const line = (name: string, r: { ms: number; reused: number; missed: number }, note: string) =>
      `  ${name.padEnd(9)} ${(r.ms / 1000).toFixed(2).padStart(7)} s   ran ${String(r.missed).padStart(4)} of ${calls}, reused ${String(r.reused).padStart(4)}   ${note}\n`;
    process.stdout.write(line("cold", cold, ""));
    process.stdout.write(line("warm", warm, `${((100 * warm.ms) / cold.ms).toFixed(1)}% of cold (target ≤ 10%)`));
    process.stdout.write(line("one-elem", one, "(target: ran 2: the element and the gather)"));
    process.stdout.write(line("retagged", retagged, `(target: ran ${calls})`));
  } finally {
    await docker.getImage(IMAGE).remove().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
}

/** Reads a file to the end as a stream and drops the bytes. */
async function readOnce(file: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) n += (chunk as Buffer).length;
  return n;
}

async function digestPart(o: Options): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), "wdlrun-bench-digest-"));
  const file = path.join(root, "big.bin");
  const bytes = Math.round(o.gib * 2 ** 30);
  try {
    const chunk = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24;
    const fd = openSync(file, "w");
    for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
    closeSync(fd);
    const mb = bytes / 2 ** 20;
    await readOnce(file); // The same start for both: the file in the page cache.
    let t0 = performance.now();
    await readOnce(file);
    const readMs = performance.now() - t0;
    const table = path.join(root, "digests");
    const first = new ContentDigests(table);
    t0 = performance.now();
    await first.file(file);
    const hashMs = performance.now() - t0;
    const next = new ContentDigests(table);
    t0 = performance.now();
    await next.file(file);
    const againMs = performance.now() - t0;
    process.stdout.write(`digest: ${o.gib} GiB file (page-cached)\n`);
    process.stdout.write(`  read once      ${(readMs / 1000).toFixed(2).padStart(6)} s  ${(mb / (readMs / 1000)).toFixed(0).padStart(5)} MiB/s\n`);
    process.stdout.write(
      `  digest         ${(hashMs / 1000).toFixed(2).padStart(6)} s  ${(mb / (hashMs / 1000)).toFixed(0).padStart(5)} MiB/s  read ${(first.stats.bytesRead / 2 ** 20).toFixed(0)} MiB (${(first.stats.bytesRead / bytes).toFixed(2)}× the file)  ${(hashMs / readMs).toFixed(2)}× the plain read\n`,
    );
    process.stdout.write(`  next run       ${againMs.toFixed(1).padStart(6)} ms          read ${next.stats.bytesRead} bytes (digest reused: size, mtime, inode unchanged)\n`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.digest) await digestPart(o);
  if (o.docker) await dockerPart(o);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:cache: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});

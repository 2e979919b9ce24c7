/**
 * The swarm half of bench:docker (`npm run bench:swarm` = bench/docker.ts
 * --backend swarm): the floor for swarm — a bare dockerode loop that creates
 * a one-replica, restart-none service running `true`, polls its task until it
 * ends and removes the service (placed by swarm, over every node) — and the
 * engine to use (DOCKER_HOST when it is a swarm manager, else the manager of
 * the three-node test swarm of scripts/setup-swarm.sh).
 */
import type Docker from "dockerode";
import { connect, engineUrl } from "../src/backends/engine/index.js";
import { SwarmBackend } from "../src/backends/swarm/index.js";

/** The test swarm manager's socket (scripts/setup-swarm.sh). */
const SWARM_TEST_ENGINE = "unix:///tmp/wdlrun-swarm-1/docker.sock";

/** Opens the swarm backend on DOCKER_HOST when it is a manager, else on the swarm test engine. */
export async function openSwarm(): Promise<{ url: string; backend: SwarmBackend; cpuPerNode: number; nodes: number }> {
  const candidates = process.env.DOCKER_HOST ? [engineUrl(undefined)] : [SWARM_TEST_ENGINE, engineUrl(undefined)];
  let last: unknown;
  for (const url of candidates) {
    try {
      const backend = await SwarmBackend.open({ host: url, sweep: false, notice: () => undefined });
      const cap = await backend.capacity();
      return { url, backend, cpuPerNode: Math.min(...(cap.nodes ?? []).map((n) => n.cpu)), nodes: cap.nodes?.length ?? 1 };
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`no swarm manager (run scripts/setup-swarm.sh start, or set DOCKER_HOST to a manager): ${last instanceof Error ? last.message : String(last)}`);
}

/** Runs `count` jobs with at most `width` at once. */
async function pool(count: number, width: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}

/** The swarm floor: create service, poll its task every 20 ms until it ends, remove; `width` at a time. Resolves with ms. */
export async function swarmFloor(url: string, o: { tasks: number; concurrency: number; image: string }, cpu: number): Promise<number> {
  const docker: Docker = connect(url);
  const t0 = performance.now();
  await pool(o.tasks, o.concurrency, async (i) => {
    const svc = await docker.createService({
      Name: `bench-floor-${process.pid}-${i}-${Math.random().toString(36).slice(2, 6)}`,
      Labels: { "org.wdlrun.bench": "1" },
      TaskTemplate: {
        ContainerSpec: { Image: o.image, Command: ["true"] },
        RestartPolicy: { Condition: "none" },
        Resources: { Reservations: { NanoCPUs: Math.round(cpu * 1e9) } },
      },
      Mode: { Replicated: { Replicas: 1 } },
    } as unknown as Docker.CreateServiceOptions);
    for (;;) {
      const [t] = (await docker.listTasks({ filters: { service: [svc.id] } })) as { Status?: { State?: string } }[];
      const s = t?.Status?.State ?? "";
      if (["complete", "failed", "rejected", "shutdown", "orphaned"].includes(s)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await svc.remove();
  });
  return performance.now() - t0;
}

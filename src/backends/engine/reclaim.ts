/**
 * Handing a leftover container's files back before the sweep removes it.
 * A run that was killed (SIGKILL, a crash) or whose engine died never ran its
 * forced stop, so what the task wrote as root would stay root's in the user's
 * run directory. A container labelled with a hand-back owner
 * (./labels.ts) gets it now: a running one by an exec in it (its command's
 * processes killed first, as an abort does), a stopped one by a short
 * container of the same image that mounts only the work directory, runs the
 * hand-back script with no network and no new privileges, and is removed.
 * Each step is bounded in time; a failure leaves the files as they are
 * (the sweep goes on).
 */
import type Docker from "dockerode";
import { LABEL_COMMON, handBackOwner } from "./labels.js";
import { CONTAINER_WORK_DIR } from "./layout.js";
import { DROPPED_CAPABILITIES } from "./hardening.js";
import { execToEnd, withTimeout } from "./stopping.js";
import { handBackScript, type FileOwner } from "./wrapper.js";

/** The most a hand-back of one leftover may take. */
const RECLAIM_TIMEOUT_MS = 30_000;

/** Hands the work directory of leftover container `info` back to the owner its labels name; resolves when done or given up. */
export async function reclaimFiles(docker: Docker, info: Docker.ContainerInfo): Promise<void> {
  const owner = handBackOwner(info.Labels ?? {});
  if (owner === undefined) return;
  const container = docker.getContainer(info.Id);
  const script = handBackScript(owner, [CONTAINER_WORK_DIR]);
  if (info.State === "running") {
    await withTimeout(execToEnd(container, `kill -KILL -1 2>/dev/null; ${script}`), RECLAIM_TIMEOUT_MS, undefined);
    return;
  }
  await withTimeout(inHelper(docker, container, owner), RECLAIM_TIMEOUT_MS, undefined);
}

/** Runs the hand-back in a container of `stopped`'s image that mounts only its work directory. */
async function inHelper(docker: Docker, stopped: Docker.Container, owner: FileOwner): Promise<void> {
  const inspect = await stopped.inspect();
  const work = inspect.Mounts.find((m) => m.Destination === CONTAINER_WORK_DIR && m.Type === "bind");
  if (work === undefined) return;
  const helper = await docker.createContainer({
    Image: inspect.Image,
    Entrypoint: ["/bin/sh", "-c"],
    Cmd: [handBackScript(owner, [CONTAINER_WORK_DIR])],
    WorkingDir: "/",
    Labels: { [LABEL_COMMON]: "1" },
    HostConfig: {
      Binds: [`${work.Source}:${CONTAINER_WORK_DIR}`],
      NetworkMode: "none",
      SecurityOpt: ["no-new-privileges"],
      CapDrop: [...DROPPED_CAPABILITIES],
    },
  });
  try {
    await helper.start();
    await helper.wait();
  } finally {
    await helper.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * How an attempt's container ends, told truthfully: waiting for it while the
 * engine is watched (../engine/liveness.ts: a dead or hung engine fails the wait
 * instead of leaving it pending forever), telling an end nobody in wdlrun
 * asked for apart (the container removed from outside, the engine shutting
 * down and stopping it, an out-of-memory kill) from the command's own exit.
 * The forced stop of an aborted attempt is ../engine/stopping.ts.
 */
import { existsSync } from "node:fs";
import type Docker from "dockerode";
import { DockerBackendError, explainConnection, socketPathOf, statusOf } from "../engine/client.js";
import { EngineGoneError, engineGoneMessage, type EngineWatch } from "../engine/liveness.js";
import { withTimeout } from "../engine/stopping.js";
import { OOM_MARK } from "../engine/wrapper.js";

/** Exit codes of a command ended by a signal the engine sends when it stops a container (SIGTERM, then SIGKILL). */
const STOP_EXITS = new Set([143, 137]);
/** How long an engine that stopped a container is watched for going down (a shutdown answers for about a second more). */
const SHUTDOWN_WATCH_MS = 3000;

/**
 * Waits for the container to stop and resolves with its exit status; rejects
 * with an EngineGoneError when the engine dies or hangs meanwhile (`watch`),
 * with the wait's own error, or with the error the answer carries (the
 * container removed from outside, as Podman reports it).
 */
export async function waitForExit(container: Docker.Container, watch: EngineWatch, url: string, callId: string): Promise<number> {
  const hold = watch.hold();
  try {
    const gone = (e: Error) => Promise.reject(socketRemoved(url) ? shutDownWhile(url, callId) : new EngineGoneError(engineGoneMessage(url, callId, e.message)));
    const status = (await Promise.race([container.wait(), hold.lost.catch(gone)])) as {
      StatusCode?: number;
      Error?: { Message?: string } | null;
    };
    // Podman ends the wait of a container removed meanwhile with status 0 and the error in the answer.
    const error = status.Error?.Message ?? "";
    if (error !== "") {
      if (/no such container/i.test(error)) throw removedFromOutside(callId);
      throw new DockerBackendError(`waiting for the container of ${callId}: ${error}`);
    }
    return typeof status.StatusCode === "number" ? status.StatusCode : 255;
  } finally {
    hold.release();
  }
}

/** What a non-zero exit that stands (the command's own) is: an out-of-memory kill or not. */
export interface ExitFacts {
  readonly oomKilled: boolean;
}

/**
 * Looks at a container that stopped with `exitCode` (non-zero) without wdlrun
 * asking: rejects with one line when it was removed from outside wdlrun or
 * when the engine stopped it while shutting down; otherwise resolves with
 * whether it was killed for memory.
 */
export async function explainExit(docker: Docker, container: Docker.Container, url: string, callId: string, exitCode: number): Promise<ExitFacts> {
  let info: Docker.ContainerInspectInfo;
  try {
    info = await container.inspect();
  } catch (e) {
    if (statusOf(e) === 404) throw removedFromOutside(callId, exitCode);
    if (explainConnection(e, url) !== undefined) throw shutDownWhile(url, callId, exitCode);
    return { oomKilled: false };
  }
  if (info.State.Status === "removing" || info.State.Dead === true) throw removedFromOutside(callId, exitCode);
  if (info.State.OOMKilled === true || (exitCode === 137 && (await markedOom(container)))) return { oomKilled: true };
  if (STOP_EXITS.has(exitCode) && (await goesDown(docker, url))) throw shutDownWhile(url, callId, exitCode);
  return { oomKilled: false };
}

/** True when the wrapper marked an out-of-memory kill in the container's log (engines that do not report one: Podman). */
async function markedOom(container: Docker.Container): Promise<boolean> {
  const log = await withTimeout(
    container.logs({ stdout: true, stderr: false, follow: false, tail: 5 }).then(
      (b) => String(b),
      () => "",
    ),
    2000,
    "",
  );
  return log.includes(OOM_MARK);
}

/** The container of `callId` was removed by someone else while its command ran (`exitCode`: what wait gave, when it gave one). */
export function removedFromOutside(callId: string, exitCode?: number): DockerBackendError {
  const code = exitCode === undefined ? "" : `; exit code ${exitCode}`;
  return new DockerBackendError(`the container of ${callId} was removed from outside wdlrun while its command ran (docker rm?${code})`);
}

/** The engine shut down (and stopped the container) while `callId` ran; `exitCode` is what the wait gave, when it gave one. */
function shutDownWhile(url: string, callId: string, exitCode?: number): EngineGoneError {
  const code = exitCode === undefined ? "" : ` (exit code ${exitCode})`;
  return new EngineGoneError(`the Docker Engine at ${url} shut down while ${callId} ran and stopped its container${code}; start the engine again and rerun`);
}

/**
 * Why the connection of `callId`'s wait broke: an engine that is shutting
 * down (SIGTERM, `systemctl stop`) removes its socket file at once and may
 * still answer a ping on a kept connection while it stops its containers;
 * one that neither answers nor removed its socket was killed or crashed.
 */
export async function lostWait(docker: Docker, url: string, callId: string): Promise<EngineGoneError> {
  if (socketRemoved(url) || (await withTimeout(docker.ping().then(() => true, () => false), 1000, false))) {
    return shutDownWhile(url, callId);
  }
  return new EngineGoneError(engineGoneMessage(url, callId, "its connection was lost while waiting for the container"));
}

/** True when `url` names a socket file that is not there any more (the engine closed its listener: a shutdown). */
function socketRemoved(url: string): boolean {
  const socket = socketPathOf(url);
  return socket !== undefined && !existsSync(socket);
}

/** True when the engine removes its socket or stops answering within SHUTDOWN_WATCH_MS (it is shutting down). */
async function goesDown(docker: Docker, url: string): Promise<boolean> {
  const deadline = Date.now() + SHUTDOWN_WATCH_MS;
  while (Date.now() < deadline) {
    if (socketRemoved(url)) return true;
    const refused = await withTimeout(
      docker.ping().then(
        () => false,
        (e: unknown) => (e as NodeJS.ErrnoException | null)?.code !== undefined,
      ),
      1000,
      false,
    );
    if (refused) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

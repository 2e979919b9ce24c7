/**
 * What the Docker and swarm backends share in their lifetime: opening the
 * engine (one clear line when the URL is bad or nothing answers), sweeping
 * leftovers of crashed runs at start, the defaults for file owner, notices and
 * image choice, and removing the containers or services a backend tracks.
 */
import type Docker from "dockerode";
import type { PullPolicy } from "../../config/load.js";
import { DockerBackendError, ENGINE_URL_FORMS, connect, explainConnection, statusOf, type TlsSettings } from "./client.js";
import { ImageResolver } from "./images.js";
import { countSwept, sweepContainers } from "./sweep.js";
import { SwarmNoLeaderError } from "./swarm-leader.js";
import { describeFlavour, readFlavour } from "./flavour.js";
import type { FileOwner } from "./wrapper.js";

/**
 * Connects to the engine at `url` and pings it, failing with one line (and
 * the fix) when the URL is malformed, nothing answers, or the socket is not
 * accessible.
 */
export async function openEngine(url: string, tls: TlsSettings = {}): Promise<Docker> {
  let docker: Docker;
  try {
    docker = connect(url, tls);
  } catch (e) {
    if (e instanceof DockerBackendError) throw e;
    throw new DockerBackendError(`bad Docker Engine URL ${url}: ${(e as Error).message} (expected ${ENGINE_URL_FORMS})`);
  }
  try {
    await docker.ping();
  } catch (e) {
    throw new DockerBackendError(explainConnection(e, url) ?? `the Docker Engine at ${url} does not answer: ${(e as Error).message}`);
  }
  return docker;
}

/** The engine in words, `Docker Engine 20.10.24 at unix:///…` or `Podman 4.3.1 at …` (the version left out when the engine does not say). */
export async function describeEngine(docker: Docker, url: string): Promise<string> {
  return describeFlavour(await readFlavour(docker), url);
}

/**
 * Sweeps what crashed wdlrun runs left on the engine (sparing kept ones);
 * resolves to the notice that says what was removed (`removed 2 service(s)
 * left by ...`), or undefined when nothing was.
 */
export async function sweepLeftovers(docker: Docker, url: string): Promise<string | undefined> {
  let noLeader: string | undefined;
  const swept = await sweepContainers(docker, url, { spareKept: true }).catch((e: unknown) => {
    if (!(e instanceof SwarmNoLeaderError)) throw e;
    // Containers can still be swept; the services wait for `wdlrun clean` once the swarm has a leader.
    noLeader = `leftover swarm services were not swept (${e.message}); wdlrun clean removes them later`;
    return sweepContainers(docker, url, { spareKept: true, services: false });
  });
  const removed = swept.filter((s) => s.removed && s.state.kind === "gone");
  const notice = removed.length === 0 ? undefined : `removed ${countSwept(removed)} left by earlier wdlrun runs that did not finish`;
  return [notice, noLeader].filter((l) => l !== undefined).join("; ") || undefined;
}

/**
 * The notice a run with `cleanup = false` starts with: where the kept
 * containers (or services) are and how they go away.
 */
export function keptNotice(kind: "container" | "service"): string {
  const list = kind === "container" ? "docker ps -a" : "docker service ls";
  return `cleanup = false: each attempt's ${kind} is kept after it ends (${list} --filter label=org.wdlrun.run=<run directory name>); wdlrun clean removes them`;
}

/** The user running wdlrun as a file owner; undefined when that is root or unknown (nothing to hand back). */
export function defaultOwner(): FileOwner | undefined {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid === undefined || gid === undefined || (uid === 0 && gid === 0)) return undefined;
  return { uid, gid };
}

/** The owner a backend option asks for: null = none, undefined = the default owner. */
export function ownerOption(owner: FileOwner | null | undefined): FileOwner | undefined {
  return owner === null ? undefined : (owner ?? defaultOwner());
}

/** The notice sink a backend option asks for; default: one `wdlrun: …` line on stderr. */
export function noticeOption(notice: ((line: string) => void) | undefined): (line: string) => void {
  return notice ?? ((line) => process.stderr.write(`wdlrun: ${line}\n`));
}

/** The image resolver for a backend's options (default pull if-not-present, default image debian:bookworm-slim). */
export function imageResolverFor(
  docker: Docker,
  url: string,
  options: { readonly pull?: PullPolicy; readonly defaultImage?: string },
  progress: (line: string) => void,
): ImageResolver {
  return new ImageResolver(docker, url, {
    pull: options.pull ?? "if-not-present",
    defaultImage: options.defaultImage ?? "debian:bookworm-slim",
    progress,
  });
}

/**
 * Removes each of `ids` with `remove`, dropping it from `live` when removed
 * or already gone (404); other failures leave it tracked. Never rejects.
 */
export async function removeTracked(ids: readonly string[], live: Set<string>, remove: (id: string) => Promise<unknown>): Promise<void> {
  await Promise.all(
    ids.map((id) =>
      remove(id).then(
        () => live.delete(id),
        (e: unknown) => statusOf(e) === 404 && live.delete(id),
      ),
    ),
  );
}

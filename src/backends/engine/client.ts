/**
 * The thin Docker Engine client: which engine to talk to (config, then
 * DOCKER_HOST, then the default socket, then Podman's sockets), a dockerode instance for it, whether
 * it answers, and one-line explanations (with the fix) for the engine errors a
 * user can do something about.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type Docker from "dockerode";

/**
 * dockerode, loaded on first use: it (with its HTTP, SSH and tar dependencies)
 * takes about half a second to load, which commands that never talk to an
 * engine (`check`, `inputs`, `run --backend local`) should not pay.
 */
let dockerode: typeof Docker | undefined;
function loadDockerode(): typeof Docker {
  return (dockerode ??= createRequire(import.meta.url)("dockerode") as typeof Docker);
}

/** The engine URL used when neither the config nor DOCKER_HOST names one. */
export const DEFAULT_ENGINE_URL = "unix:///var/run/docker.sock";

/**
 * The engine URL to use: the config's `docker.host`, else DOCKER_HOST, else
 * the default Docker socket when it is there, else the first Podman socket
 * that is there (the user's rootless `$XDG_RUNTIME_DIR/podman/podman.sock`,
 * then the rootful `/run/podman/podman.sock`), else the default socket.
 */
export function engineUrl(
  configured: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
  exists: (socket: string) => boolean = existsSync,
): string {
  if (configured) return configured;
  const fromEnv = env.DOCKER_HOST;
  if (fromEnv && fromEnv.trim() !== "") return fromEnv.trim();
  const sockets = [socketPathOf(DEFAULT_ENGINE_URL)!, ...podmanSockets(env)];
  const found = sockets.find((s) => exists(s));
  return found === undefined ? DEFAULT_ENGINE_URL : `unix://${found}`;
}

/** Where Podman's API service listens by default: the user's rootless socket (when XDG_RUNTIME_DIR is set), then the rootful one. */
export function podmanSockets(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const runtime = env.XDG_RUNTIME_DIR;
  return [...(runtime ? [path.join(runtime, "podman", "podman.sock")] : []), "/run/podman/podman.sock"];
}

/** The socket file of a `unix://` (or bare path) engine URL; undefined for a network address. */
export function socketPathOf(url: string): string | undefined {
  if (url.startsWith("unix://")) return url.slice("unix://".length) || "/var/run/docker.sock";
  if (url.startsWith("/")) return url;
  return undefined;
}

/** Opens a client for an engine URL (`unix:///path`, `tcp://host:port`, `http(s)://host:port`). */
export function connect(url: string): Docker {
  // No custom keep-alive agent: measured here, one makes each container cycle
  // cost ~80 ms of CPU at 8 in flight (vs ~4 ms with Node's default).
  const Docker = loadDockerode();
  const socketPath = socketPathOf(url);
  if (socketPath !== undefined) return new Docker({ socketPath });
  const u = new URL(url.includes("://") ? url : `tcp://${url}`);
  const tls = u.protocol === "https:" || u.port === "2376";
  return new Docker({ host: u.hostname, port: u.port || (tls ? "2376" : "2375"), protocol: tls ? "https" : "http" });
}

/** Resolves true when the engine answers a ping within `timeoutMs`. */
export async function engineAnswers(docker: Docker, timeoutMs = 3000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([docker.ping().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether an engine can be used: resolves true when it answers a ping within
 * `timeoutMs`, false when nothing answers, and rejects with the one-line
 * explanation (and fix) when an engine is there but refuses this user
 * (permission denied on its socket).
 */
export async function engineUsable(docker: Docker, url: string, timeoutMs = 3000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ping = docker.ping().then(
    () => true,
    (e: unknown) => {
      const code = (e as NodeJS.ErrnoException | null)?.code;
      if (code === "EACCES" || code === "EPERM") throw new DockerBackendError(explainConnection(e, url)!);
      return false;
    },
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A failure of the Docker backend itself; `message` is one line that says what to do. */
export class DockerBackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DockerBackendError";
  }
}

/** The HTTP status of an engine error, if it has one. */
export function statusOf(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === "number" ? s : undefined;
}

/** The engine's own message for an error (its JSON `message`, else the error's). */
export function engineMessage(e: unknown): string {
  const json = (e as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === "string") return json.message.trim();
  if (e instanceof Error) return e.message.replace(/^\(HTTP code \d+\)\s*[\w ]*-\s*/, "").trim();
  return String(e);
}

/**
 * Explains a connection-level failure (nothing listening, permission denied)
 * as one line with the fix; undefined when `e` is something else.
 */
export function explainConnection(e: unknown, url: string): string | undefined {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const socket = url.startsWith("unix://") ? url.slice("unix://".length) : url;
  switch (code) {
    case "EACCES":
    case "EPERM":
      return `permission denied on the Docker socket ${socket}: add your user to the docker group (sudo usermod -aG docker $USER, then log in again), run as root, or use --backend local`;
    case "ENOENT":
    case "ECONNREFUSED":
    case "ECONNRESET":
    case "EHOSTUNREACH":
    case "ETIMEDOUT":
    case "ENOTFOUND":
      return `no Docker Engine answers at ${url}: start one (npm run setup:docker, or sudo systemctl start docker), point docker.host / DOCKER_HOST at a running engine, or use --backend local`;
    default:
      return undefined;
  }
}

/** Wraps any engine failure as a one-line DockerBackendError, explaining connection problems. */
export function asBackendError(e: unknown, url: string, doing: string): DockerBackendError {
  if (e instanceof DockerBackendError) return e;
  return new DockerBackendError(explainConnection(e, url) ?? `${doing}: ${engineMessage(e)}`);
}

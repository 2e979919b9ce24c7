/**
 * The thin Docker Engine client: which engine to talk to (config, then
 * DOCKER_HOST, then the default socket, then Podman's sockets; `unix://` or
 * `tcp://`), how (TLS with
 * client certificates when docker.tls_verify or DOCKER_TLS_VERIFY asks for it,
 * from docker.cert_path, DOCKER_CERT_PATH or ~/.docker),
 * a dockerode instance for it, whether it answers, and one-line explanations
 * (with the fix) for the engine errors a user can do something about.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import path from "node:path";
import type Docker from "dockerode";

/**
 * dockerode, loaded on first use: it (with its HTTP, SSH and tar dependencies)
 * takes about half a second to load, which commands that never talk to an
 * engine (`check`, `inputs`, `run --backend local`) should not pay.
 */
let dockerode: typeof Docker | undefined;
function loadDockerode(): typeof Docker {
  if (dockerode) return dockerode;
  const require = createRequire(import.meta.url);
  deferModules(createRequire(require.resolve("dockerode")), ["./session.js", "docker-modem/lib/ssh.js"]);
  return (dockerode = require("dockerode") as typeof Docker);
}

/**
 * Makes the modules `specifiers` (resolved by `require`, each exporting one
 * function) load when first called instead of when first required.
 * dockerode requires gRPC and protobufjs (for BuildKit sessions) and ssh2
 * (for `ssh://` engines) as it loads: wdlrun uses neither, and they were
 * measured at 150–200 ms of every Docker run's start-up. Each gets a stand-in
 * in the require cache that loads the real module on its first call.
 */
function deferModules(require: NodeJS.Require, specifiers: readonly string[]): void {
  for (const specifier of specifiers) {
    let file: string;
    try {
      file = require.resolve(specifier);
    } catch {
      continue; // laid out otherwise in this version: loaded as it comes
    }
    if (require.cache[file]) continue;
    let real: ((...args: unknown[]) => unknown) | undefined;
    const standIn = function (this: unknown, ...args: unknown[]): unknown {
      if (!real) {
        delete require.cache[file];
        real = require(file) as (...args: unknown[]) => unknown;
      }
      return real.apply(this, args);
    };
    require.cache[file] = { id: file, filename: file, loaded: true, exports: standIn } as unknown as NodeJS.Module;
  }
}

/** The engine URL used when neither the config nor DOCKER_HOST names one. */
export const DEFAULT_ENGINE_URL = "unix:///var/run/docker.sock";

type Env = Readonly<Record<string, string | undefined>>;

/** The forms an engine address may take (for messages). */
export const ENGINE_URL_FORMS = "unix:///path/to/docker.sock or tcp://host:port";

/**
 * Checks an engine address: `unix:///path` or `tcp://host[:port]`. Throws a
 * DockerBackendError naming `key` (where the address was set) otherwise.
 */
export function checkEngineUrl(url: string, key: string): string {
  const bad = (why: string) => new DockerBackendError(`${key} = ${JSON.stringify(url)} ${why}: use ${ENGINE_URL_FORMS}`);
  if (url.startsWith("unix://")) {
    if (!url.slice("unix://".length).startsWith("/")) throw bad("does not name a socket by its absolute path");
    return url;
  }
  if (!url.startsWith("tcp://")) throw bad(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? "uses a scheme wdlrun does not accept" : "is not an engine address");
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad("is not an engine address");
  }
  if (u.hostname === "" || (u.pathname !== "" && u.pathname !== "/")) throw bad("is not an engine address");
  return url;
}

/**
 * The engine URL to use, checked (`checkEngineUrl`): the config's
 * `docker.host`, else DOCKER_HOST, else the default Docker socket when it is
 * there, else the first Podman socket that is there (the user's rootless
 * `$XDG_RUNTIME_DIR/podman/podman.sock`, then the rootful
 * `/run/podman/podman.sock`), else the default socket.
 */
export function engineUrl(configured: string | undefined, env: Env = process.env, exists: (socket: string) => boolean = existsSync): string {
  if (configured) return checkEngineUrl(configured.trim(), "docker.host");
  const fromEnv = env.DOCKER_HOST;
  if (fromEnv && fromEnv.trim() !== "") return checkEngineUrl(fromEnv.trim(), "DOCKER_HOST");
  const sockets = [socketPathOf(DEFAULT_ENGINE_URL)!, ...podmanSockets(env)];
  const found = sockets.find((s) => exists(s));
  return found === undefined ? DEFAULT_ENGINE_URL : `unix://${found}`;
}

/** Where Podman's API service listens by default: the user's rootless socket (when XDG_RUNTIME_DIR is set), then the rootful one. */
export function podmanSockets(env: Env = process.env): string[] {
  const runtime = env.XDG_RUNTIME_DIR;
  return [...(runtime ? [path.join(runtime, "podman", "podman.sock")] : []), "/run/podman/podman.sock"];
}

/** The socket file of a `unix://` engine URL; undefined for a network address. */
export function socketPathOf(url: string): string | undefined {
  return url.startsWith("unix://") ? url.slice("unix://".length) : undefined;
}

/** Client certificates for an engine that verifies them (`dockerd --tlsverify`). */
export interface EngineTls {
  /** The folder they were read from (for messages). */
  readonly dir: string;
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** TLS as the config asks for it (`docker.tls_verify`, `docker.cert_path`); the environment fills in the rest. */
export interface TlsSettings {
  /** Speak TLS and verify the engine; false or absent = as DOCKER_TLS_VERIFY says. */
  readonly verify?: boolean;
  /** The certificates' folder; absent = DOCKER_CERT_PATH, else `~/.docker`. */
  readonly certPath?: string;
}

/**
 * The client certificates to speak TLS with, or undefined when TLS is off.
 * TLS is on when `settings.verify` is true or DOCKER_TLS_VERIFY is set (to
 * anything but "" or "0", as the docker CLI reads it), with `ca.pem`,
 * `cert.pem` and `key.pem` from `settings.certPath`, else DOCKER_CERT_PATH,
 * else `~/.docker`. Throws a DockerBackendError naming a missing file.
 */
export function engineTls(settings: TlsSettings = {}, env: Env = process.env): EngineTls | undefined {
  const verify = env.DOCKER_TLS_VERIFY?.trim() ?? "";
  if (settings.verify !== true && (verify === "" || verify === "0")) return undefined;
  const dir = settings.certPath || env.DOCKER_CERT_PATH?.trim() || path.join(env.HOME ?? homedir(), ".docker");
  const read = (name: string): Buffer => {
    try {
      return readFileSync(path.join(dir, name));
    } catch (e) {
      throw new DockerBackendError(
        `TLS is asked for (docker.tls_verify or DOCKER_TLS_VERIFY) but ${path.join(dir, name)} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): ` +
          `point docker.cert_path or DOCKER_CERT_PATH at the folder with the engine's ca.pem and your cert.pem and key.pem`,
      );
    }
  };
  return { dir, ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") };
}

/**
 * Opens a client for an engine URL (`unix:///path`, `tcp://host:port`; see
 * `checkEngineUrl`). A `tcp://` engine is spoken to over TLS when the config
 * or the environment asks for it (`engineTls`), on port 2376 by default, else
 * over plain HTTP on 2375.
 */
export function connect(url: string, settings: TlsSettings = {}, env: Env = process.env): Docker {
  // No custom keep-alive agent: measured here, one makes each container cycle
  // cost ~80 ms of CPU at 8 in flight (vs ~4 ms with Node's default).
  const Docker = loadDockerode();
  const socketPath = socketPathOf(url);
  if (socketPath !== undefined) return new Docker({ socketPath });
  const u = new URL(url);
  const tls = engineTls(settings, env);
  if (tls === undefined) return new Docker({ host: u.hostname, port: u.port || "2375", protocol: "http" });
  return new Docker({ host: u.hostname, port: u.port || "2376", protocol: "https", ca: tls.ca, cert: tls.cert, key: tls.key });
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
  const said = e instanceof Error ? e.message : String(e);
  if (/HTTP request to an HTTPS server/i.test(said))
    return `the Docker Engine at ${url} speaks TLS: set DOCKER_TLS_VERIFY=1 (or docker.tls_verify = true) and DOCKER_CERT_PATH (or docker.cert_path) to the folder with its ca.pem and your cert.pem and key.pem`;
  if (typeof code === "string" && (/^ERR_SSL|^ERR_TLS|CERT|SELF_SIGNED|UNABLE_TO_VERIFY|^EPROTO$/.test(code) || /certificate|ssl|tls/i.test(said)))
    return `TLS with the Docker Engine at ${url} failed (${said}): check that DOCKER_CERT_PATH (or docker.cert_path) holds the ca.pem that signed the engine's certificate and a cert.pem/key.pem it accepts, and that the engine listens with TLS (dockerd --tlsverify)`;
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

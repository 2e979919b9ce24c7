/**
 * The configuration keys wdlrun understands: one table that names each key,
 * its value kind, its default, the environment variable that sets it and what
 * it means. Loading (./load.ts), validation (./values.ts) and the documentation
 * (./README.md, checked against this table by test/config) all follow it.
 *
 * | key                  | default                | env                          | meaning |
 * |----------------------|------------------------|------------------------------|---------|
 * | backend              | "auto"                 | WDLRUN_BACKEND               | auto, local, docker or swarm; auto = swarm on a swarm manager, docker when an engine answers, else local |
 * | output_dir           | "wdlrun-runs"          | WDLRUN_OUTPUT_DIR            | folder that receives one run directory per run |
 * | concurrency          | 0                      | WDLRUN_CONCURRENCY           | most task attempts at once; 0 = only resources limit it |
 * | cleanup              | true                   | WDLRUN_CLEANUP               | remove containers/services when an attempt ends |
 * | shell                | "bash"                 | WDLRUN_SHELL                 | shell that runs each task's command |
 * | strict               | false                  | WDLRUN_STRICT                | leniency warnings (what the spec forbids but other engines accept) are errors |
 * | docker.host          | ""                     | WDLRUN_DOCKER_HOST           | engine URL, unix:// or tcp:// (TLS by DOCKER_TLS_VERIFY/DOCKER_CERT_PATH); "" = DOCKER_HOST, else unix:///var/run/docker.sock |
 * | docker.tls_verify    | false                  | WDLRUN_DOCKER_TLS_VERIFY     | speak TLS to a tcp:// engine and verify it; false = as DOCKER_TLS_VERIFY says |
 * | docker.cert_path     | ""                     | WDLRUN_DOCKER_CERT_PATH      | folder with ca.pem, cert.pem, key.pem; "" = DOCKER_CERT_PATH, else ~/.docker |
 * | docker.pull          | "if-not-present"       | WDLRUN_DOCKER_PULL           | if-not-present, always or never |
 * | docker.default_image | "debian:bookworm-slim" | WDLRUN_DOCKER_DEFAULT_IMAGE  | image for tasks that name no container (or "*") |
 * | docker.pids_limit    | 4096                   | WDLRUN_DOCKER_PIDS_LIMIT     | most processes in one task container; 0 = no limit |
 * | docker.network       | "default"              | WDLRUN_DOCKER_NETWORK        | default (the engine's network) or none (loopback only) |
 * | docker.user          | "root"                 | WDLRUN_DOCKER_USER           | root (the image's user) or invoking (the uid:gid running wdlrun) |
 * | resources.limits     | "enforce"              | WDLRUN_RESOURCES_LIMITS      | enforce (a task asking more than the backend has fails) or try_with_max (clamp and run) |
 * | resources.cpu        | 0                      | WDLRUN_RESOURCES_CPU         | CPUs wdlrun may use; 0 = what the backend reports |
 * | resources.memory     | ""                     | WDLRUN_RESOURCES_MEMORY      | memory wdlrun may use ("16 GiB", bytes); "" = what the backend reports |
 * | resources.gpus       | []                     | WDLRUN_RESOURCES_GPUS        | GPU device ids to hand out; [] = detect (`nvidia-smi`) |
 * | swarm.gpu_kind       | "NVIDIA-GPU"           | WDLRUN_SWARM_GPU_KIND        | generic-resource kind that swarm nodes advertise GPUs of no stated model as |
 * | swarm.gpu_models     | []                     | WDLRUN_SWARM_GPU_MODELS      | more swarm GPU kinds with their model, as "KIND=MODEL" |
 * | cache.enabled        | false                  | WDLRUN_CACHE_ENABLED         | reuse the results of calls whose key is unchanged (`--cache`) |
 * | cache.dir            | ""                     | WDLRUN_CACHE_DIR             | the call cache folder; "" = $XDG_CACHE_HOME/wdlrun/calls (~/.cache/wdlrun/calls) |
 */

/** How a key's value is written and checked. */
export type KeyKind =
  | { readonly kind: "enum"; readonly values: readonly string[]; readonly default: string }
  | { readonly kind: "bool"; readonly default: boolean }
  | { readonly kind: "count"; readonly default: number }
  | { readonly kind: "number"; readonly default: number }
  | { readonly kind: "string"; readonly default: string; readonly nonEmpty: boolean }
  | { readonly kind: "bytes"; readonly default: string }
  /** A Docker Engine address: empty, `unix:///path` or `tcp://host:port`. */
  | { readonly kind: "engine"; readonly default: string }
  | { readonly kind: "list"; readonly default: readonly string[] };

/** One documented key. `name` is the dotted TOML path (`docker.pull` = key `pull` in table `[docker]`). */
export interface KeySpec {
  readonly name: string;
  readonly type: KeyKind;
  /** The environment variable that sets it (`WDLRUN_` + the name upper-cased, dots as underscores). */
  readonly env: string;
  readonly doc: string;
}

function key(name: string, type: KeyKind, doc: string): KeySpec {
  return { name, type, env: `WDLRUN_${name.replace(/\./g, "_").toUpperCase()}`, doc };
}

/** The backends a user can pick (`auto` chooses swarm on a swarm manager, docker when an engine answers, else local). */
export const BACKEND_CHOICES = ["auto", "local", "docker", "swarm"] as const;
/** When images are pulled. */
export const PULL_POLICIES = ["if-not-present", "always", "never"] as const;
/** The network of task containers. */
export const NETWORK_CHOICES = ["default", "none"] as const;
/** Who the command runs as in a task container. */
export const USER_CHOICES = ["root", "invoking"] as const;
/** What happens when a task asks more cpu/memory/GPUs than the backend can ever give. */
export const LIMIT_POLICIES = ["enforce", "try_with_max"] as const;

/** Every key, in documentation order. */
export const KEYS: readonly KeySpec[] = [
  key("backend", { kind: "enum", values: BACKEND_CHOICES, default: "auto" },
    "Where tasks run: `auto` (swarm when the engine is a swarm manager, docker when an engine answers, else local), `local`, `docker` or `swarm`."),
  key("output_dir", { kind: "string", default: "wdlrun-runs", nonEmpty: true },
    "Folder that receives one run directory per run (relative paths are relative to the current directory)."),
  key("concurrency", { kind: "count", default: 0 },
    "Most task attempts running at once; 0 = no cap beyond the cpu/memory/GPU capacity."),
  key("cleanup", { kind: "bool", default: true },
    "Remove each attempt's container (or service) when it ends; `false` keeps them for debugging."),
  key("shell", { kind: "string", default: "bash", nonEmpty: true },
    "Shell that runs each task's command (inside the container for docker/swarm)."),
  key("strict", { kind: "bool", default: false },
    "Treat leniency warnings (constructs the spec forbids that other engines accept) as errors, in `check` and `run`; same as `--strict`."),
  key("docker.host", { kind: "engine", default: "" },
    "Docker Engine URL: `unix:///path/docker.sock` or `tcp://host:port` (no other scheme); empty = `DOCKER_HOST`, else `unix:///var/run/docker.sock`. A `tcp://` engine is spoken to over TLS when `docker.tls_verify` or `DOCKER_TLS_VERIFY` says so."),
  key("docker.tls_verify", { kind: "bool", default: false },
    "Speak TLS to a `tcp://` engine and verify its certificate, with your client certificate; `false` = as `DOCKER_TLS_VERIFY` says."),
  key("docker.cert_path", { kind: "string", default: "", nonEmpty: false },
    "Folder with the engine's `ca.pem` and your `cert.pem` and `key.pem`; empty = `DOCKER_CERT_PATH`, else `~/.docker`."),
  key("docker.pull", { kind: "enum", values: PULL_POLICIES, default: "if-not-present" },
    "When to pull a task's image: `if-not-present`, `always` or `never`."),
  key("docker.default_image", { kind: "string", default: "debian:bookworm-slim", nonEmpty: true },
    "Image for tasks whose `container` is absent or `\"*\"`."),
  key("docker.pids_limit", { kind: "count", default: 4096 },
    "Most processes (threads included) in one task container or swarm task; `0` = no limit."),
  key("docker.network", { kind: "enum", values: NETWORK_CHOICES, default: "default" },
    "Network of task containers: `default` (the engine's default network) or `none` (a loopback interface only)."),
  key("docker.user", { kind: "enum", values: USER_CHOICES, default: "root" },
    "Who the command runs as: `root` (the image's own user, root in the usual images) or `invoking` (the uid:gid of the user running wdlrun; files need no handing back)."),
  key("resources.limits", { kind: "enum", values: LIMIT_POLICIES, default: "enforce" },
    "A task asking more cpu/memory/GPUs than the backend can ever give: `enforce` fails it before it starts, `try_with_max` runs it with the most there is."),
  key("resources.cpu", { kind: "number", default: 0 },
    "CPUs wdlrun may hand out; 0 = what the backend reports (the engine's CPU count, or the host's)."),
  key("resources.memory", { kind: "bytes", default: "" },
    "Memory wdlrun may hand out, as bytes or a size such as `\"16 GiB\"`; empty = what the backend reports."),
  key("resources.gpus", { kind: "list", default: [] },
    "GPU device ids wdlrun may hand out (e.g. `[\"0\", \"1\"]` or UUIDs); empty = every GPU `nvidia-smi` lists (its names and memory are read either way, for `gpu` hints naming a model)."),
  key("swarm.gpu_kind", { kind: "string", default: "NVIDIA-GPU", nonEmpty: true },
    "Generic-resource kind under which swarm nodes advertise GPUs of no stated model (`dockerd --node-generic-resource KIND=ID`); kinds `NVIDIA-<MODEL>` (`NVIDIA-H100`) are GPUs of that model."),
  key("swarm.gpu_models", { kind: "list", default: [] },
    "More swarm GPU kinds with their model, as `KIND=MODEL` (e.g. `[\"GPU-BIG=A100 80GB\"]`), matched against `gpu` hints naming a model."),
  key("cache.enabled", { kind: "bool", default: false },
    "Reuse the result of a call whose key (task definition, inputs and their content, image id, backend) is unchanged; `--cache` / `--no-cache` on `wdlrun run`."),
  key("cache.dir", { kind: "string", default: "", nonEmpty: false },
    "The call cache folder; empty = `$XDG_CACHE_HOME/wdlrun/calls` (default `~/.cache/wdlrun/calls`)."),
];

/** Looks a key up by its dotted name. */
export function findKey(name: string): KeySpec | undefined {
  return KEYS.find((k) => k.name === name);
}

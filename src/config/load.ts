/**
 * Loading wdlrun's configuration: defaults ← TOML file ← environment
 * (`WDLRUN_*`) ← command-line flags, each layer checked against the key table
 * in ./keys.ts. Every problem is collected and reported together in one
 * `ConfigError`, each naming the key, where the value came from (file and
 * line, variable or flag) and what is allowed.
 *
 * The file is the first of: `--config FILE` (must exist), `$WDLRUN_CONFIG`
 * (must exist), `./wdlrun.toml`, `$XDG_CONFIG_HOME/wdlrun/config.toml`
 * (default `~/.config/wdlrun/config.toml`). Only that one file is read.
 */
import { readFileSync, existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parse, TomlError } from "smol-toml";
import { KEYS, findKey, type KeySpec, BACKEND_CHOICES, PULL_POLICIES, LIMIT_POLICIES, NETWORK_CHOICES, USER_CHOICES } from "./keys.js";
import { convert, showValue, type ConfigValue } from "./values.js";
import { editDistance } from "../diagnostics/nearest.js";
import { cacheRoot } from "./cache-root.js";

export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type PullPolicy = (typeof PULL_POLICIES)[number];
export type LimitPolicy = (typeof LIMIT_POLICIES)[number];
export type NetworkChoice = (typeof NETWORK_CHOICES)[number];
export type UserChoice = (typeof USER_CHOICES)[number];

/** Where a key's value came from. */
export type Origin =
  | { readonly kind: "default" }
  | { readonly kind: "file"; readonly file: string; readonly line?: number }
  | { readonly kind: "env"; readonly variable: string }
  | { readonly kind: "flag"; readonly key: string };

/** The checked configuration every part of wdlrun reads. */
export interface WdlrunConfig {
  readonly backend: BackendChoice;
  /** Absolute path of the folder that receives run directories. */
  readonly outputDir: string;
  /** Most attempts at once; 0 = no cap. */
  readonly concurrency: number;
  readonly cleanup: boolean;
  readonly shell: string;
  /** Leniency warnings are errors (`--strict`). */
  readonly strict: boolean;
  readonly docker: {
    /** Engine URL; absent = `DOCKER_HOST`, else the default socket (see backends/engine/client.ts). */
    readonly host?: string;
    /** TLS to a `tcp://` engine (`docker.tls_verify`, `docker.cert_path`); the environment fills in what is not set. */
    readonly tls: { readonly verify?: boolean; readonly certPath?: string };
    readonly pull: PullPolicy;
    readonly defaultImage: string;
    /** Most processes in one task container; 0 = no limit. */
    readonly pidsLimit: number;
    /** `default`: the engine's network; `none`: loopback only. */
    readonly network: NetworkChoice;
    /** `root`: the image's user (as before); `invoking`: the uid:gid running wdlrun. */
    readonly user: UserChoice;
  };
  readonly resources: {
    readonly limits: LimitPolicy;
    /** CPUs to hand out; absent = what the backend reports. */
    readonly cpu?: number;
    /** Memory to hand out in bytes; absent = what the backend reports. */
    readonly memoryBytes?: number;
    /** GPU ids to hand out; empty = detect. */
    readonly gpus: readonly string[];
  };
  readonly swarm: { readonly gpuKind: string; readonly gpuModels: readonly string[] };
  readonly cache: {
    readonly enabled: boolean;
    /** Absolute path of the call cache folder. */
    readonly dir: string;
  };
  /** The config file that was read, if any. */
  readonly file?: string;
  /** Where each key's value came from, by dotted key name. */
  readonly origins: Readonly<Record<string, Origin>>;
}

/** What `loadConfig` reads; everything defaults to the real process's. */
export interface LoadOptions {
  /** `--config FILE`: read this file (it must exist). */
  readonly configFile?: string;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly home?: string;
  /** Values from command-line flags, by dotted key name (`backend`, `docker.pull`, ...); undefined = not given. */
  readonly flags?: Readonly<Record<string, unknown>>;
  /** Read no file at all (defaults, environment and flags only). */
  readonly skipFiles?: boolean;
}

/** One or more configuration problems; `message` has one line per problem. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

/** Loads and checks the configuration. Throws `ConfigError` listing every problem found. */
export function loadConfig(options: LoadOptions = {}): WdlrunConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const problems: string[] = [];
  const values = new Map<string, ConfigValue>(KEYS.map((k) => [k.name, defaultOf(k)]));
  const origins: Record<string, Origin> = Object.fromEntries(KEYS.map((k) => [k.name, { kind: "default" } as Origin]));

  const file = options.skipFiles ? undefined : findConfigFile(options, env, cwd, problems);
  if (file !== undefined) readFile(file, values, origins, problems);

  for (const k of KEYS) {
    const raw = env[k.env];
    if (raw === undefined) continue;
    const c = convert(k.type, raw, true);
    if (c.ok) {
      values.set(k.name, c.value);
      origins[k.name] = { kind: "env", variable: k.env };
    } else problems.push(`environment variable ${k.env}=${JSON.stringify(raw)}: ${k.name} must be ${c.expected}`);
  }

  for (const [name, raw] of Object.entries(options.flags ?? {})) {
    if (raw === undefined) continue;
    const k = findKey(name);
    if (!k) {
      problems.push(`command line: unknown configuration key "${name}"${suggest(name)}`);
      continue;
    }
    const c = convert(k.type, raw, true);
    if (c.ok) {
      values.set(k.name, c.value);
      origins[k.name] = { kind: "flag", key: k.name };
    } else problems.push(`command line: ${k.name} = ${showValue(raw)}: must be ${c.expected}`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return build(values, origins, cwd, file, defaultCacheDir(env, options.home), options.home ?? env.HOME ?? homedir());
}

/** `$XDG_CACHE_HOME/wdlrun/calls`, default `~/.cache/wdlrun/calls` (./cache-root.ts). */
function defaultCacheDir(env: Readonly<Record<string, string | undefined>>, home: string | undefined): string {
  return join(cacheRoot(env, home), "calls");
}

function defaultOf(k: KeySpec): ConfigValue {
  return k.type.kind === "bytes" ? undefined : k.type.default;
}

function findConfigFile(options: LoadOptions, env: Readonly<Record<string, string | undefined>>, cwd: string, problems: string[]): string | undefined {
  if (options.configFile !== undefined) {
    const f = resolve(cwd, options.configFile);
    if (existsSync(f)) return f;
    problems.push(`--config ${options.configFile}: no such file`);
    return undefined;
  }
  const fromEnv = env.WDLRUN_CONFIG;
  if (fromEnv) {
    const f = resolve(cwd, fromEnv);
    if (existsSync(f)) return f;
    problems.push(`WDLRUN_CONFIG=${fromEnv}: no such file`);
    return undefined;
  }
  const local = join(cwd, "wdlrun.toml");
  if (existsSync(local)) return local;
  const xdg = env.XDG_CONFIG_HOME || join(options.home ?? env.HOME ?? homedir(), ".config");
  const user = join(xdg, "wdlrun", "config.toml");
  return existsSync(user) ? user : undefined;
}

/** The tables that hold keys (`[docker]`, `[resources]`, `[swarm]`). */
const TABLES = new Set(KEYS.filter((k) => k.name.includes(".")).map((k) => k.name.split(".")[0]!));

function readFile(file: string, values: Map<string, ConfigValue>, origins: Record<string, Origin>, problems: string[]): void {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    problems.push(`${file}: cannot read: ${(e as Error).message}`);
    return;
  }
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split("\n")[0];
      problems.push(`${file}:${e.line}:${e.column}: not valid TOML: ${first}`);
    } else problems.push(`${file}: not valid TOML: ${(e as Error).message}`);
    return;
  }
  const at = (name: string): string => {
    const line = lineOf(text, name);
    return line === undefined ? file : `${file}:${line}`;
  };
  const visit = (name: string, raw: unknown): void => {
    const k = findKey(name);
    if (!k) {
      problems.push(`${at(name)}: unknown configuration key "${name}"${suggest(name)}`);
      return;
    }
    const c = convert(k.type, raw, false);
    if (c.ok) {
      values.set(name, c.value);
      const line = lineOf(text, name);
      origins[name] = line === undefined ? { kind: "file", file } : { kind: "file", file, line };
    } else problems.push(`${at(name)}: ${name} = ${showValue(raw)}: must be ${c.expected}`);
  };
  for (const [top, raw] of Object.entries(doc)) {
    if (TABLES.has(top) && isTable(raw)) {
      for (const [sub, v] of Object.entries(raw)) visit(`${top}.${sub}`, v);
    } else visit(top, raw);
  }
}

function isTable(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * Finds the 1-based line on which the dotted key `name` is set in TOML
 * `text`, following `[table]` headers; undefined when not found (the key may
 * be written in an inline table).
 */
export function lineOf(text: string, name: string): number | undefined {
  const lines = text.split(/\r?\n/);
  let table = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const header = /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header && !line.startsWith("[[")) {
      table = header[1]!.replace(/\s*\.\s*/g, ".").replace(/"/g, "");
      continue;
    }
    const assign = /^("?[A-Za-z0-9_.-]+"?(?:\s*\.\s*"?[A-Za-z0-9_-]+"?)*)\s*=/.exec(line);
    if (!assign) continue;
    const k = assign[1]!.replace(/\s*\.\s*/g, ".").replace(/"/g, "");
    if ((table === "" ? k : `${table}.${k}`) === name) return i + 1;
  }
  return undefined;
}

function suggest(name: string): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of KEYS) {
    const d = editDistance(name, k.name);
    const tail = k.name.split(".").pop()!;
    const dTail = tail === name ? 0 : 99;
    if (Math.min(d, dTail) < bestDistance) {
      best = k.name;
      bestDistance = Math.min(d, dTail);
    }
  }
  return best ? ` (did you mean "${best}"?)` : ` (known keys: ${KEYS.map((k) => k.name).join(", ")})`;
}

function build(values: Map<string, ConfigValue>, origins: Record<string, Origin>, cwd: string, file: string | undefined, cacheDir: string, homeDir: string): WdlrunConfig {
  const get = <T extends ConfigValue>(name: string): T => values.get(name) as T;
  const host = get<string>("docker.host");
  const certPath = get<string>("docker.cert_path").trim();
  const cpu = get<number>("resources.cpu");
  const memoryBytes = get<number | undefined>("resources.memory");
  const dir = get<string>("cache.dir");
  return {
    backend: get<BackendChoice>("backend"),
    outputDir: resolve(cwd, get<string>("output_dir")),
    concurrency: get<number>("concurrency"),
    cleanup: get<boolean>("cleanup"),
    shell: get<string>("shell"),
    strict: get<boolean>("strict"),
    docker: {
      ...(host !== "" ? { host } : {}),
      tls: { ...(get<boolean>("docker.tls_verify") ? { verify: true } : {}), ...(certPath !== "" ? { certPath: resolve(cwd, certPath.replace(/^~(?=\/|$)/, homeDir)) } : {}) },
      pull: get<PullPolicy>("docker.pull"),
      defaultImage: get<string>("docker.default_image"),
      pidsLimit: get<number>("docker.pids_limit"),
      network: get<NetworkChoice>("docker.network"),
      user: get<UserChoice>("docker.user"),
    },
    resources: {
      limits: get<LimitPolicy>("resources.limits"),
      ...(cpu > 0 ? { cpu } : {}),
      ...(memoryBytes !== undefined ? { memoryBytes } : {}),
      gpus: get<readonly string[]>("resources.gpus"),
    },
    swarm: { gpuKind: get<string>("swarm.gpu_kind"), gpuModels: get<readonly string[]>("swarm.gpu_models") },
    cache: { enabled: get<boolean>("cache.enabled"), dir: dir.trim() === "" ? cacheDir : resolve(cwd, dir.replace(/^~(?=\/|$)/, homeDir)) },
    ...(file !== undefined ? { file } : {}),
    origins,
  };
}

/** The configuration with every default and nothing read (for tests and library use). */
export function defaultConfig(cwd: string = process.cwd()): WdlrunConfig {
  return loadConfig({ cwd, env: {}, flags: {}, skipFiles: true });
}

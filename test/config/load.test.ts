import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, KEYS, defaultConfig, lineOf, loadConfig, parseByteSize } from "../../src/config/index.js";

function dir(): string {
  return mkdtempSync(join(tmpdir(), "wdlrun-config-"));
}

function problemsOf(f: () => unknown): readonly string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("gives the documented defaults when nothing is set", () => {
    const cwd = dir();
    const c = loadConfig({ cwd, env: {}, home: cwd });
    expect(c.backend).toBe("auto");
    expect(c.cleanup).toBe(true);
    expect(c.shell).toBe("bash");
    expect(c.concurrency).toBe(0);
    expect(c.outputDir).toBe(join(cwd, "wdlrun-runs"));
    expect(c.docker).toEqual({ tls: {}, pull: "if-not-present", defaultImage: "debian:bookworm-slim", pidsLimit: 4096, network: "default", user: "root" });
    expect(c.resources).toEqual({ limits: "enforce", gpus: [] });
    expect(c.swarm.gpuKind).toBe("NVIDIA-GPU");
    expect(c.file).toBeUndefined();
    expect(c.origins.backend).toEqual({ kind: "default" });
  });

  it("layers file, environment and flags in that order", () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, "wdlrun.toml"),
      'backend = "local"\nshell = "sh"\n\n[docker]\npull = "never"\nhost = "unix:///x.sock"\n[resources]\nmemory = "2 GiB"\ngpus = ["0", "1"]\n',
    );
    const c = loadConfig({
      cwd,
      home: cwd,
      env: { WDLRUN_BACKEND: "swarm", WDLRUN_CLEANUP: "no", WDLRUN_DOCKER_PULL: "always" },
      flags: { backend: "docker", concurrency: "3", "resources.cpu": undefined },
    });
    expect(c.backend).toBe("docker");
    expect(c.origins.backend).toEqual({ kind: "flag", key: "backend" });
    expect(c.cleanup).toBe(false);
    expect(c.origins.cleanup).toEqual({ kind: "env", variable: "WDLRUN_CLEANUP" });
    expect(c.docker.pull).toBe("always");
    expect(c.docker.host).toBe("unix:///x.sock");
    expect(c.shell).toBe("sh");
    expect(c.origins.shell).toEqual({ kind: "file", file: join(cwd, "wdlrun.toml"), line: 2 });
    expect(c.concurrency).toBe(3);
    expect(c.resources.memoryBytes).toBe(2 * 2 ** 30);
    expect(c.resources.gpus).toEqual(["0", "1"]);
    expect(c.resources.cpu).toBeUndefined();
    expect(c.file).toBe(join(cwd, "wdlrun.toml"));
  });

  it("prefers --config, then WDLRUN_CONFIG, then ./wdlrun.toml, then ~/.config/wdlrun/config.toml", () => {
    const cwd = dir();
    const home = dir();
    mkdirSync(join(home, ".config", "wdlrun"), { recursive: true });
    writeFileSync(join(home, ".config", "wdlrun", "config.toml"), 'shell = "user"\n');
    expect(loadConfig({ cwd, home, env: {} }).shell).toBe("user");
    expect(loadConfig({ cwd, home, env: { XDG_CONFIG_HOME: join(cwd, "none") } }).shell).toBe("bash");
    writeFileSync(join(cwd, "wdlrun.toml"), 'shell = "local"\n');
    expect(loadConfig({ cwd, home, env: {} }).shell).toBe("local");
    writeFileSync(join(cwd, "env.toml"), 'shell = "env"\n');
    expect(loadConfig({ cwd, home, env: { WDLRUN_CONFIG: "env.toml" } }).shell).toBe("env");
    writeFileSync(join(cwd, "flag.toml"), 'shell = "flag"\n');
    expect(loadConfig({ cwd, home, env: { WDLRUN_CONFIG: "env.toml" }, configFile: "flag.toml" }).shell).toBe("flag");
    expect(problemsOf(() => loadConfig({ cwd, home, env: {}, configFile: "missing.toml" }))).toEqual(["--config missing.toml: no such file"]);
  });

  it("names the file, line, key and what is allowed for a bad value", () => {
    const cwd = dir();
    const f = join(cwd, "wdlrun.toml");
    writeFileSync(f, '# settings\nbackend = "dockr"\n\n[docker]\npull = "sometimes"\n[resources]\ncpu = -1\nmemory = "lots"\n');
    expect(problemsOf(() => loadConfig({ cwd, home: cwd, env: {} }))).toEqual([
      `${f}:2: backend = "dockr": must be one of "auto", "local", "docker", "swarm"`,
      `${f}:5: docker.pull = "sometimes": must be one of "if-not-present", "always", "never"`,
      `${f}:7: resources.cpu = -1: must be a number, 0 or more`,
      `${f}:8: resources.memory = "lots": must be a size in bytes (a whole number) or a string such as "16 GiB" or "512 MB"`,
    ]);
  });

  it("rejects unknown keys with a suggestion", () => {
    const cwd = dir();
    const f = join(cwd, "wdlrun.toml");
    writeFileSync(f, "[docker]\npul = \"never\"\n[nonsense]\nx = 1\n");
    expect(problemsOf(() => loadConfig({ cwd, home: cwd, env: {} }))).toEqual([
      `${f}:2: unknown configuration key "docker.pul" (did you mean "docker.pull"?)`,
      `${f}: unknown configuration key "nonsense" (known keys: ${KEYS.map((k) => k.name).join(", ")})`,
    ]);
  });

  it("reports TOML syntax errors with line and column", () => {
    const cwd = dir();
    const f = join(cwd, "wdlrun.toml");
    writeFileSync(f, 'backend = "docker"\nshell = \n');
    const [p, ...rest] = problemsOf(() => loadConfig({ cwd, home: cwd, env: {} }));
    expect(rest).toEqual([]);
    expect(p).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:2:\\d+: not valid TOML: `));
  });

  it("checks environment variables and flags, naming them", () => {
    const cwd = dir();
    expect(
      problemsOf(() =>
        loadConfig({ cwd, home: cwd, env: { WDLRUN_CONCURRENCY: "many", WDLRUN_CLEANUP: "maybe" }, flags: { "docker.pull": "no", colour: "red" } }),
      ),
    ).toEqual([
      'environment variable WDLRUN_CONCURRENCY="many": concurrency must be a whole number, 0 or more',
      'environment variable WDLRUN_CLEANUP="maybe": cleanup must be true or false (also 1/0, yes/no)',
      'command line: docker.pull = "no": must be one of "if-not-present", "always", "never"',
      'command line: unknown configuration key "colour" (known keys: ' + KEYS.map((k) => k.name).join(", ") + ")",
    ]);
  });

  it("accepts only unix:// and tcp:// engine addresses for docker.host", () => {
    const cwd = dir();
    writeFileSync(join(cwd, "wdlrun.toml"), '[docker]\nhost = "https://engine:2376"\n');
    const expected = "must be empty, or an engine address: unix:///path/to/docker.sock or tcp://host:port (no other scheme)";
    expect(problemsOf(() => loadConfig({ cwd, home: cwd, env: {} }))).toEqual([`${join(cwd, "wdlrun.toml")}:2: docker.host = "https://engine:2376": ${expected}`]);
    expect(problemsOf(() => loadConfig({ cwd, home: cwd, env: { WDLRUN_DOCKER_HOST: "/var/run/docker.sock" }, skipFiles: true }))).toEqual([
      `environment variable WDLRUN_DOCKER_HOST="/var/run/docker.sock": docker.host ${expected}`,
    ]);
    expect(loadConfig({ cwd, home: cwd, env: { WDLRUN_DOCKER_HOST: "tcp://10.1.2.3:2376" }, skipFiles: true }).docker.host).toBe("tcp://10.1.2.3:2376");
    // TLS keys: a relative or ~ certificate folder is resolved.
    const tls = loadConfig({ cwd, home: "/home/me", env: { WDLRUN_DOCKER_TLS_VERIFY: "true", WDLRUN_DOCKER_CERT_PATH: "~/certs" }, skipFiles: true }).docker.tls;
    expect(tls).toEqual({ verify: true, certPath: "/home/me/certs" });
  });

  it("reads comma-separated GPU lists from the environment", () => {
    const c = loadConfig({ skipFiles: true, env: { WDLRUN_RESOURCES_GPUS: "GPU-a, GPU-b" } });
    expect(c.resources.gpus).toEqual(["GPU-a", "GPU-b"]);
  });

  it("defaultConfig reads nothing", () => {
    expect(defaultConfig("/somewhere").outputDir).toBe("/somewhere/wdlrun-runs");
  });
});

describe("sizes and lines", () => {
  it("parses sizes in decimal and binary units", () => {
    expect(parseByteSize("1048576")).toBe(1048576);
    expect(parseByteSize("512 MiB")).toBe(512 * 2 ** 20);
    expect(parseByteSize("2G")).toBe(2e9);
    expect(parseByteSize("1.5 GB")).toBe(1.5e9);
    expect(parseByteSize("12 parsecs")).toBeUndefined();
  });

  it("finds the line of a dotted key across table headers and dotted keys", () => {
    const text = 'a = 1\n[docker]\n  pull = "x"\n[resources]\n"gpus" = []\n[swarm]\n';
    expect(lineOf(text, "docker.pull")).toBe(3);
    expect(lineOf(text, "resources.gpus")).toBe(5);
    expect(lineOf('docker.pull = "x"\n', "docker.pull")).toBe(1);
    expect(lineOf(text, "swarm.gpu_kind")).toBeUndefined();
  });
});

describe("documentation", () => {
  it("README.md documents every key with its default and variable", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    for (const k of KEYS) {
      const def = k.type.kind === "bytes" ? '""' : JSON.stringify(k.type.default).replace(/,/g, ", ");
      const row = readme.split("\n").find((l) => l.startsWith(`| \`${k.name}\` |`));
      expect(row, k.name).toBeDefined();
      expect(row).toContain(`| \`${def}\` | \`${k.env}\``);
    }
  });
});

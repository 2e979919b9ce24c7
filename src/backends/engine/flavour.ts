/**
 * Which engine serves the Docker Engine API: Docker, or Podman through its
 * Docker-compatible service (`podman system service`), told apart by the
 * engine's version answer (Podman names a component "Podman Engine"), and
 * whether it runs rootless (Docker's info lists the security option
 * `name=rootless`; Podman's compatible info does not, its own info endpoint
 * says `host.security.rootless`).
 * The docker backend reads it once when it opens the engine and adapts where
 * the two differ (see src/backends/docker/README.md, "Podman").
 */
import type Docker from "dockerode";

/** The engine behind the API, with its version when it says. */
export interface EngineFlavour {
  readonly kind: "docker" | "podman";
  /** The engine's own version (`20.10.24`, Podman's `4.3.1`); undefined when it does not say. */
  readonly version: string | undefined;
  /**
   * True when the engine runs as an ordinary user (rootless Docker or Podman):
   * a container's root is that user on the host, so files a task writes as
   * root are already the user's and must not be chowned (a chown in the
   * container would give them to a subordinate uid).
   */
  readonly rootless: boolean;
}

/** The parts of `GET /version` read. */
export interface VersionAnswer {
  readonly Version?: string;
  readonly Platform?: { readonly Name?: string };
  readonly Components?: readonly { readonly Name?: string; readonly Version?: string }[];
}

/** The parts of `GET /info` read. */
export interface InfoAnswer {
  readonly SecurityOptions?: readonly string[];
}

const PODMAN_COMPONENT = /^podman( engine)?$/i;

/** The flavour a version answer and an info answer describe. Pure. */
export function flavourOf(version: VersionAnswer | undefined, info?: InfoAnswer): EngineFlavour {
  const podman = version?.Components?.find((c) => PODMAN_COMPONENT.test(c.Name ?? ""));
  const isPodman = podman !== undefined || /podman/i.test(version?.Platform?.Name ?? "");
  const rootless = (info?.SecurityOptions ?? []).some((o) => o.split(",").includes("name=rootless"));
  return { kind: isPodman ? "podman" : "docker", version: podman?.Version ?? version?.Version, rootless };
}

/** Reads the engine's flavour (version and info in parallel); an engine that does not answer counts as Docker of unknown version. */
export async function readFlavour(docker: Docker): Promise<EngineFlavour> {
  const [version, info] = await Promise.all([
    docker.version().then(
      (v) => v as VersionAnswer,
      () => undefined,
    ),
    docker.info().then(
      (i) => i as InfoAnswer,
      () => undefined,
    ),
  ]);
  const flavour = flavourOf(version, info);
  if (flavour.kind !== "podman" || flavour.rootless) return flavour;
  return { ...flavour, rootless: await podmanRootless(docker) };
}

/** Podman's own `GET /libpod/info` answer's `host.security.rootless`; false when it does not say. */
function podmanRootless(docker: Docker): Promise<boolean> {
  return new Promise((resolve) => {
    docker.modem.dial({ path: "/v4.0.0/libpod/info", method: "GET", statusCodes: { 200: true } }, (err: unknown, data: unknown) => {
      const info = data as { host?: { security?: { rootless?: unknown } } } | null;
      resolve(!err && info?.host?.security?.rootless === true);
    });
  });
}

/** The engine's name in words: `Docker Engine` or `Podman`. */
export function flavourName(flavour: EngineFlavour): string {
  switch (flavour.kind) {
    case "docker":
      return "Docker Engine";
    case "podman":
      return "Podman";
  }
}

/** The engine in words, `Podman 4.3.1 (rootless) at unix:///…` (the version left out when the engine does not say). */
export function describeFlavour(flavour: EngineFlavour, url: string): string {
  const version = flavour.version ? ` ${flavour.version}` : "";
  return `${flavourName(flavour)}${version}${flavour.rootless ? " (rootless)" : ""} at ${url}`;
}

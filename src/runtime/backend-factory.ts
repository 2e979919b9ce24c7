/**
 * Creating the backend a run uses from the configuration: `local` is built
 * in; `docker` and `swarm` are registered by their modules through
 * `registerBackend` (extension point: a backend module calls it at load and
 * gets one import line in the "registered backends" block below). `auto`
 * asks swarm's `probe` (an active swarm manager), then docker's (an engine
 * answers), and falls back to `local` with a notice.
 */
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import type { Backend, BackendKind } from "../backends/backend.js";
import { LocalBackend } from "../backends/local/local-backend.js";
import type { BackendChoice, WdlrunConfig } from "../config/index.js";

// ── registered backends (one import per backend module that calls registerBackend) ──
import { dockerProvider } from "../backends/docker/provider.js";
import { swarmProvider } from "../backends/swarm/provider.js";

/** How a backend module plugs in. */
export interface BackendProvider {
  /** Creates the backend (may connect, check the engine, sweep leftovers). Rejects with a one-line Error. */
  create(config: WdlrunConfig, notice: (message: string) => void): Promise<Backend>;
  /**
   * Resolves true when this backend can be used here (for `--backend auto`);
   * absent = never chosen by auto. Rejects with a one-line reason (and the
   * fix) when it is there but unusable, e.g. permission denied on the socket:
   * auto then falls back to local and says why.
   */
  probe?(config: WdlrunConfig): Promise<boolean>;
}

const providers = new Map<Exclude<BackendKind, "local">, BackendProvider>();
// Registered here, after `providers` exists (a provider module importing this one would form an import cycle).
providers.set("docker", dockerProvider);
providers.set("swarm", swarmProvider);

/** Registers the provider of a backend kind (called by the backend's module at load). */
export function registerBackend(kind: Exclude<BackendKind, "local">, provider: BackendProvider): void {
  providers.set(kind, provider);
}

/** A backend and the run settings that come with the configuration. */
export interface BackendSetup {
  readonly backend: Backend;
  /** `resources.limits = "try_with_max"`: clamp requests above the capacity. */
  readonly tryWithMax: boolean;
  /** `concurrency`: most attempts at once (0 = no cap). */
  readonly concurrency: number;
}

/** Creates the local backend with the configuration's resource overrides. */
export function localBackend(config: WdlrunConfig | undefined, notice: (message: string) => void): LocalBackend {
  return new LocalBackend({
    ...(config?.resources.cpu !== undefined ? { cpu: config.resources.cpu } : {}),
    ...(config?.resources.memoryBytes !== undefined ? { memoryBytes: config.resources.memoryBytes } : {}),
    ...(config && config.resources.gpus.length > 0 ? { gpuIds: config.resources.gpus } : {}),
    ...(config ? { shell: config.shell } : {}),
    notice,
  });
}

/**
 * Creates the backend `choice` (default: the config's `backend`). Rejects
 * with a one-line Error when the chosen backend is unavailable.
 */
export async function createBackend(config: WdlrunConfig, notice: (message: string) => void, choice?: BackendChoice): Promise<BackendSetup> {
  const want = choice ?? config.backend;
  const settings = { tryWithMax: config.resources.limits === "try_with_max", concurrency: config.concurrency };
  switch (want) {
    case "local":
      return { backend: localBackend(config, notice), ...settings };
    case "docker":
    case "swarm": {
      const p = providers.get(want);
      if (!p) throw new Error(`the ${want} backend is not available in this build of wdlrun; use --backend local`);
      return { backend: await p.create(config, notice), ...settings };
    }
    case "auto": {
      // An engine that is an active swarm manager runs tasks as services; any other engine as containers.
      let why: string | undefined;
      for (const kind of ["swarm", "docker"] as const) {
        const p = providers.get(kind);
        if (!p?.probe) continue;
        let usable = false;
        try {
          usable = await p.probe(config);
        } catch (e) {
          why ??= e instanceof Error ? e.message : String(e);
        }
        if (!usable) continue;
        if (kind === "swarm") notice("wdlrun: the Docker Engine is a swarm manager: running tasks as swarm services (--backend docker runs plain containers)");
        return { backend: await p.create(config, notice), ...settings };
      }
      notice(
        why !== undefined
          ? `wdlrun: ${why}; meanwhile tasks run as local processes, ignoring their containers`
          : "wdlrun: no container engine answered; running tasks as local processes, ignoring their containers (--backend local)",
      );
      return { backend: localBackend(config, notice), ...settings };
    }
    default:
      return assertUnreachable(want);
  }
}

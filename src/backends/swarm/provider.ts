/**
 * How the runtime's backend factory (src/runtime/backend-factory.ts) creates
 * the swarm backend from the config, and how `--backend auto` asks whether
 * the engine (docker.host / DOCKER_HOST, else the default socket) is an
 * active swarm manager.
 */
import type { WdlrunConfig } from "../../config/load.js";
import type { Backend } from "../backend.js";
import { SwarmBackend, swarmManagerAnswers, swarmOptionsFromConfig } from "./swarm-backend.js";

/** The swarm backend's provider (shape of the factory's BackendProvider). */
export const swarmProvider = {
  /** Opens the manager (one-line error when unreachable, not in a swarm or a worker) and sweeps leftovers of crashed runs. */
  async create(config: WdlrunConfig, notice: (message: string) => void): Promise<Backend> {
    const backend = await SwarmBackend.open({ ...swarmOptionsFromConfig(config), notice: (line) => notice(`wdlrun: ${line}`) });
    if (config.resources.gpus.length > 0) {
      notice(`wdlrun: resources.gpus is not used on swarm: GPUs come from the nodes' generic resources of kind ${config.swarm.gpuKind} (swarm.gpu_kind)`);
    }
    return backend;
  },
  /** True when the engine answers within two seconds and is an active swarm manager. */
  probe(config: WdlrunConfig): Promise<boolean> {
    return swarmManagerAnswers(config.docker.host, config.docker.tls);
  },
};

/**
 * How the runtime's backend factory (src/runtime/backend-factory.ts) creates
 * the Docker backend from the config, and how `--backend auto` asks whether
 * an engine answers (DOCKER_HOST or docker.host, else the default socket).
 */
import type { WdlrunConfig } from "../../config/load.js";
import type { Backend } from "../backend.js";
import { DockerBackend, dockerEngineAnswers, dockerOptionsFromConfig } from "./docker-backend.js";

/** The Docker backend's provider (shape of the factory's BackendProvider). */
export const dockerProvider = {
  /** Opens the engine (one-line error when unreachable) and sweeps leftovers of crashed runs. */
  create(config: WdlrunConfig, notice: (message: string) => void): Promise<Backend> {
    return DockerBackend.open({ ...dockerOptionsFromConfig(config), notice: (line) => notice(`wdlrun: ${line}`) });
  },
  /** True when an engine answers within two seconds; rejects with the fix when its socket refuses this user. */
  probe(config: WdlrunConfig): Promise<boolean> {
    return dockerEngineAnswers(config.docker.host, config.docker.tls);
  },
};

/**
 * The Docker backend's public surface: open one with `DockerBackend.open`
 * (options from the config via `dockerOptionsFromConfig`) and probe an engine
 * with `dockerEngineAnswers` (for `--backend auto`). What it shares with the
 * swarm backend (client, sweep, layout) is ../engine/.
 */
export { DockerBackend, dockerOptionsFromConfig, dockerEngineAnswers, type DockerBackendOptions } from "./docker-backend.js";

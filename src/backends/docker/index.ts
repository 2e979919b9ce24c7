/**
 * The Docker backend's public surface: open one with `DockerBackend.open`
 * (options from the config via `dockerOptionsFromConfig`), probe an engine
 * with `dockerEngineAnswers` (for `--backend auto`), and sweep leftovers
 * with `sweepContainers` (`wdlrun clean`).
 */
export { DockerBackend, dockerOptionsFromConfig, dockerEngineAnswers, type DockerBackendOptions } from "./docker-backend.js";
export { DockerBackendError, connect, engineUrl, DEFAULT_ENGINE_URL } from "./client.js";
export { countSwept, sweepContainers, type SweepOptions, type SweptContainer } from "./sweep.js";
export { dockerLayout, CONTAINER_WORK_DIR, MOUNT_ROOT } from "./layout.js";
export type { FileOwner } from "./wrapper.js";

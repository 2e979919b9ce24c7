/**
 * The swarm backend's public surface: open one with `SwarmBackend.open`
 * (options from the config via `swarmOptionsFromConfig`), probe an engine
 * with `swarmManagerAnswers` (for `--backend auto`), sweep leftover services
 * with `sweepServices` (also done by the Docker backend's `sweepContainers`).
 */
export { SwarmBackend, swarmOptionsFromConfig, swarmManagerAnswers, repoDigest, type SwarmBackendOptions } from "./swarm-backend.js";
export { SwarmBackendError } from "./errors.js";
export { sweepServices } from "../engine/service-sweep.js";
export { swarmProvider } from "./provider.js";
export { readNodes, readRole, swarmRole, parseNode, type SwarmNode, type SwarmRole } from "./cluster.js";

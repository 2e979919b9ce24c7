/**
 * The Docker Engine toolkit's public surface, shared by the docker and swarm
 * backends and `wdlrun clean`: connect to an engine (`connect`, `engineUrl`),
 * sweep what dead runs left (`sweepContainers`, services included), and the
 * container-side layout of an attempt.
 */
export { DockerBackendError, connect, engineUrl, DEFAULT_ENGINE_URL } from "./client.js";
export { countSwept, sweepContainers, type SweepOptions, type SweptContainer } from "./sweep.js";
export { dockerLayout, CONTAINER_WORK_DIR, MOUNT_ROOT } from "./layout.js";
export type { FileOwner } from "./wrapper.js";

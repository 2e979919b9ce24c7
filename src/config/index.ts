/**
 * wdlrun's configuration (TOML file, environment, flags): the public surface.
 * See ./README.md for every key and ./load.ts for the order of precedence.
 */
export { loadConfig, defaultConfig, ConfigError, lineOf } from "./load.js";
export type { WdlrunConfig, LoadOptions, Origin, BackendChoice, PullPolicy, LimitPolicy, NetworkChoice, UserChoice } from "./load.js";
export { KEYS, findKey, BACKEND_CHOICES, PULL_POLICIES, LIMIT_POLICIES } from "./keys.js";
export type { KeySpec, KeyKind } from "./keys.js";
export { parseByteSize } from "./values.js";

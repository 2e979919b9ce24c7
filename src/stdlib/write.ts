/**
 * Standard library, chapter "write" (being implemented).
 */
import type { StdlibFunction } from "./define.js";

/** The functions of this chapter. */
export const WRITE_FUNCTIONS: readonly StdlibFunction[] = [];

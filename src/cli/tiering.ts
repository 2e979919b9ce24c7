/**
 * How eagerly V8 optimizes wdlrun's code, set once as the process starts
 * (imported first by ./main.ts; the benchmarks import it too, so they measure
 * what a user runs).
 *
 * V8's default tier-up is tuned for long-lived pages: a function that has run
 * a few times is compiled by the optimizing compiler on background threads,
 * which costs CPU a short command never earns back. wdlrun's invocations are
 * mostly short (a check, an inputs template, a run whose time is spent in
 * containers), so functions tier up after eight times V8's default budget:
 * code that stays hot (a check of a large repository, a long evaluation)
 * is still optimized, a little later. Measured with `npm run bench:check`
 * (CPU of `wdlrun check` of ../shared/realworld, 25,000 lines): 0.95 s by
 * default, 0.50 s with this; ten copies of it (250,000 lines): 4.0 s and 2.9 s.
 */
import { setFlagsFromString } from "node:v8";

/** V8's default `--interrupt-budget` (bytecode executed between tier-up checks), Node 20. */
const V8_DEFAULT_INTERRUPT_BUDGET = 66 * 1024;

setFlagsFromString(`--interrupt-budget=${8 * V8_DEFAULT_INTERRUPT_BUDGET}`);

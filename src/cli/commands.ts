/**
 * The list of sub-commands: importing a command module registers it. Add one
 * line per command file.
 */
import "./run.js";
import "./clean.js";
import "./check.js";
import "./inputs.js";
import "./cache.js";
import "./graph.js";
import "./report.js";
import "./doctor.js";

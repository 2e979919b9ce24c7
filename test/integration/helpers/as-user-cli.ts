/**
 * Child process for ownership tests of the CLI: drops root to the uid/gid
 * and supplementary groups given as JSON in argv[2], then runs wdlrun's
 * entry point (src/cli/main.ts) with the remaining arguments.
 */
const { uid, gid, groups } = JSON.parse(process.argv[2]!) as { uid: number; gid: number; groups: number[] };
process.setgroups!(groups);
process.setgid!(gid);
process.setuid!(uid);
process.argv = [process.argv[0]!, "wdlrun", ...process.argv.slice(3)];
await import("../../../src/cli/main.js");

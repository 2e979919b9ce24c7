/**
 * Headless Chromium for tests of wdlrun's pages: finds Debian's `chromium`
 * (installed by scripts/setup-docker.sh), loads a file with every network
 * feature off, and returns the DOM after the page's scripts ran
 * (`--dump-dom`) or saves a screenshot. Each call gets its own profile folder.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** The chromium program, or undefined when none is installed. */
export function chromiumPath(): string | undefined {
  for (const p of [process.env.WDLRUN_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"]) if (p && existsSync(p)) return p;
  return undefined;
}

/** Why browser tests are skipped ("" when they run); with WDLRUN_REQUIRE_DOCKER=1 (CI) a missing chromium fails instead. */
export function chromiumSkipReason(): string {
  if (chromiumPath() !== undefined) return "";
  if (process.env.WDLRUN_REQUIRE_DOCKER === "1") throw new Error("chromium is not installed (scripts/setup-docker.sh installs it)");
  return "chromium is not installed (apt-get install chromium, or npm run setup:docker)";
}

function runChromium(args: readonly string[]): Promise<string> {
  const profile = mkdtempSync(path.join(tmpdir(), "wdlrun-chromium-"));
  const flags = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--allow-file-access-from-files",
    `--user-data-dir=${profile}`,
  ];
  return new Promise<string>((resolve, reject) => {
    execFile(chromiumPath()!, [...flags, ...args], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      rmSync(profile, { recursive: true, force: true });
      if (err) reject(new Error(`chromium failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The page's DOM after its scripts ran. */
export function dumpDom(file: string): Promise<string> {
  return runChromium(["--virtual-time-budget=2000", "--dump-dom", pathToFileURL(file).href]);
}

/** Saves a PNG screenshot of the page. */
export async function screenshot(file: string, png: string, size = "1280,1600"): Promise<void> {
  await runChromium([`--screenshot=${png}`, `--window-size=${size}`, "--hide-scrollbars", pathToFileURL(file).href]);
}

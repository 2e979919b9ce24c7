/**
 * Fetching `http(s)://` imports: one GET per URL per process (a `wdlrun run`
 * or `check`), however many documents import it, with a timeout; a failure
 * is remembered too, so it is not retried for every importer. Redirects are
 * followed (up to five). The reason of a failure is said in words: the host
 * not found (DNS), the connection refused or reset, no answer in time, or
 * the HTTP status.
 */

/** How long an import may take, unless `WDLRUN_IMPORT_TIMEOUT` (seconds) says otherwise. */
export const DEFAULT_IMPORT_TIMEOUT_MS = 30_000;

/** Options of `httpImportReader`. */
export interface HttpImportOptions {
  /** Milliseconds a fetch (connect, status and body) may take. */
  readonly timeoutMs?: number;
}

/** The import timeout from `WDLRUN_IMPORT_TIMEOUT` (seconds, > 0), else the default. */
export function importTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.WDLRUN_IMPORT_TIMEOUT);
  return env.WDLRUN_IMPORT_TIMEOUT !== undefined && Number.isFinite(s) && s > 0 ? s * 1000 : DEFAULT_IMPORT_TIMEOUT_MS;
}

/** A reader of http(s) URLs that fetches each URL once (its own cache, successes and failures alike). */
export function httpImportReader(options: HttpImportOptions = {}): (url: string) => Promise<string> {
  const cache = new Map<string, Promise<string>>();
  return (url) => {
    let p = cache.get(url);
    if (!p) {
      p = fetchOnce(url, options.timeoutMs ?? importTimeoutMs());
      cache.set(url, p);
    }
    return p;
  };
}

/** How many redirects one import may follow. */
const MAX_REDIRECTS = 5;

/**
 * One GET of `url` with node:http(s) (lighter to load than the global fetch,
 * which a `check` with http imports would otherwise pay for in start-up),
 * following redirects; the whole exchange is bounded by `timeoutMs`.
 */
async function fetchOnce(url: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let current = url;
  for (let hop = 0; ; hop++) {
    const answer = await get(current, Math.max(1, deadline - Date.now()), timeoutMs);
    if (answer.kind === "body") return answer.text;
    if (hop === MAX_REDIRECTS) throw new ImportFetchError(`more than ${MAX_REDIRECTS} redirects`);
    current = new URL(answer.location, current).href;
  }
}

/** What one GET answered: the document, or where it moved. */
type Answer = { readonly kind: "body"; readonly text: string } | { readonly kind: "redirect"; readonly location: string };

/** One GET without following redirects; rejects with an ImportFetchError saying why. */
async function get(url: string, leftMs: number, timeoutMs: number): Promise<Answer> {
  const { request } = url.startsWith("https:") ? await import("node:https") : await import("node:http");
  return new Promise<Answer>((resolve, reject) => {
    const fail = (reason: string) => reject(new ImportFetchError(reason));
    const req = request(url, { method: "GET" }, (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        res.resume();
        resolve({ kind: "redirect", location });
        return;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        fail(`the server answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ""}`);
        return;
      }
      res.setEncoding("utf8");
      let text = "";
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ kind: "body", text }));
      res.on("error", (e) => fail(fetchFailure(e, url, timeoutMs)));
    });
    const timer = setTimeout(() => {
      req.destroy();
      fail(timedOut(timeoutMs));
    }, leftMs);
    req.on("close", () => clearTimeout(timer));
    req.on("error", (e) => fail(fetchFailure(e, url, timeoutMs)));
    req.end();
  });
}

function timedOut(timeoutMs: number): string {
  return `no answer within ${timeoutMs / 1000} s (timed out; WDLRUN_IMPORT_TIMEOUT sets the limit in seconds)`;
}

/** A failed import fetch; the message is the reason in words. */
class ImportFetchError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "ImportFetchError";
  }
}

/** Why a fetch threw, in words. */
function fetchFailure(e: unknown, url: string, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; code?: string };
  if (err.name === "TimeoutError" || err.name === "AbortError") return timedOut(timeoutMs);
  const host = new URL(url).host;
  switch (err.code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `the host ${host} was not found (DNS)`;
    case "ECONNREFUSED":
      return `the connection to ${host} was refused`;
    case "ECONNRESET":
    case "EPIPE":
      return `the connection to ${host} was closed before the document arrived`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${host} cannot be reached (network unreachable)`;
    default:
      return err.message ?? String(e);
  }
}

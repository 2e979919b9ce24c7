/**
 * Fetching `http(s)://` imports: one GET per URL per process (a `wdlrun run`
 * or `check`), however many documents import it, with a timeout; a failure
 * is remembered too, so it is not retried for every importer. The reason of
 * a failure is said in words: the host not found (DNS), the connection
 * refused or reset, no answer in time, or the HTTP status.
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

async function fetchOnce(url: string, timeoutMs: number): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, { signal });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new ImportFetchError(`the server answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`);
    }
    return await res.text();
  } catch (e) {
    if (e instanceof ImportFetchError) throw e;
    throw new ImportFetchError(fetchFailure(e, url, timeoutMs));
  }
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
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === "TimeoutError" || err.name === "AbortError") return `no answer within ${timeoutMs / 1000} s (timed out; WDLRUN_IMPORT_TIMEOUT sets the limit in seconds)`;
  const host = new URL(url).host;
  switch (err.cause?.code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `the host ${host} was not found (DNS)`;
    case "ECONNREFUSED":
      return `the connection to ${host} was refused`;
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return `the connection to ${host} was closed before the document arrived`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${host} cannot be reached (network unreachable)`;
    default:
      return err.cause?.message ?? err.message ?? String(e);
  }
}

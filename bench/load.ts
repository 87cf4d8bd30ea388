/**
 * The load loops every bench shares: autocannon at saturation (`saturate`), each body once
 * (`sendOnce`), and one worker per call on an even schedule (`runPaced`).
 */
import autocannon from "autocannon";

export interface LoadResult {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  /** Transport errors, timeouts and non-2xx answers. */
  errors: number;
  /** 2xx answers that carry a portal URL (portal rows). */
  withUrl: number;
}

/** A portal answer of any of the targets: `{ url }`, `{ url, redirect }` or `{ data: { url } }`. */
const PORTAL_URL = /"url":"http/;

/**
 * autocannon at saturation: `connections` keep-alive connections for `duration` s, each
 * sending its own user's headers (connection i gets `headers[i mod n]`).
 */
export function saturate(options: {
  url: string;
  connections: number;
  duration: number;
  body: string;
  headers: Record<string, string>[];
}): Promise<LoadResult> {
  let next = 0;
  let withUrl = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: options.url,
        method: "POST",
        connections: options.connections,
        duration: options.duration,
        requests: [
          {
            setupRequest: (request, context) => {
              const own = context as { headers?: Record<string, string> };
              own.headers ??= options.headers[next++ % options.headers.length];
              return {
                ...request,
                body: options.body,
                headers: { "content-type": "application/json", ...own.headers },
              };
            },
            onResponse: (status, body) => {
              if (status === 200 && PORTAL_URL.test(body)) withUrl++;
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          requests: result.requests.total,
          seconds: options.duration,
          p50: result.latency.p50,
          p99: result.latency.p99,
          errors: result.errors + result.non2xx, // errors include timeouts
          withUrl,
        });
      },
    );
  });
}

/** Each body sent once, by `connections` concurrent senders; seconds from first to last. */
export function sendOnce(options: {
  url: string;
  connections: number;
  requests: { body: string; headers: Record<string, string> }[];
}): Promise<LoadResult> {
  let next = 0;
  const started = performance.now();
  // autocannon calls back on its next one-second tick: the last answer ends the run.
  let lastAnswer = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: "POST",
        connections: options.connections,
        amount: options.requests.length,
        timeout: 60,
        requests: [
          {
            setupRequest: (request) => {
              const { body, headers } = options.requests[next++ % options.requests.length] as {
                body: string;
                headers: Record<string, string>;
              };
              return {
                ...request,
                body,
                headers: { "content-type": "application/json", ...headers },
              };
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          requests: result.requests.total,
          seconds: (lastAnswer - started) / 1000,
          p50: result.latency.p50,
          p99: result.latency.p99,
          errors: result.errors + result.non2xx, // errors include timeouts
          withUrl: 0,
        });
      },
    );
    instance.on("response", () => {
      lastAnswer = performance.now();
    });
  });
}

/**
 * One worker per call (one per user), each calling in turn for `duration` s; with a rate,
 * calls start on an even schedule (open loop), so latency is not queueing behind bursts;
 * with rate 0, a closed loop at saturation. A call may resolve to the portal URL it got.
 */
export async function runPaced(
  calls: (() => Promise<unknown>)[],
  rate: number,
  duration: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let withUrl = 0;
  const begin = performance.now();
  const deadline = begin + duration * 1000;
  let slot = 0;
  await Promise.all(
    calls.map(async (call) => {
      while (performance.now() < deadline) {
        if (rate) {
          const wait = begin + (slot++ * 1000) / rate - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          if (performance.now() >= deadline) break;
        }
        const started = performance.now();
        try {
          const url = await call();
          latencies.push(performance.now() - started);
          if (typeof url === "string" && url.startsWith("http")) withUrl++;
        } catch {
          errors++;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length + errors,
    seconds: duration,
    p50: at(0.5),
    p99: at(0.99),
    errors,
    withUrl,
  };
}

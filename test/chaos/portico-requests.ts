import type { TestPortico } from "../portico.js";

/**
 * The chaos scripts' calls to Portico's API, as a client makes them. A 503 under the
 * webhook bursts, or when a Stripe read fails, means "retry shortly": a client does, a few
 * times. Any other answer is the caller's to judge.
 */
export async function callPortico(
  instance: TestPortico,
  request: { method: "GET" | "POST" | "DELETE"; path: string; token: string; body?: unknown },
): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${instance.url}${request.path}`, {
      method: request.method,
      headers: {
        authorization: `Bearer ${request.token}`,
        ...(request.body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });
    if (response.status !== 503 || attempt === 3) return response;
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The `data` of a success envelope; any other status than `expected` is a broken run. */
export async function expectData<T>(
  response: Response,
  expected: number,
  what: string,
): Promise<T> {
  if (response.status !== expected) {
    throw new Error(`${what} answered ${response.status}: ${await response.text()}`);
  }
  return ((await response.json()) as { data: T }).data;
}

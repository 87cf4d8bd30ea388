import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { limitBodyTo } from "./body-limit.js";

/** A route behind a 10-byte limit that answers the body it read, or 413. */
function limitedApp() {
  const app = new Hono();
  app.onError((error, c) => c.text(error.message, 413));
  app.post(
    "/",
    limitBodyTo(10, () => {
      throw new Error("too big");
    }),
    async (c) => c.text(await c.req.text()),
  );
  return app;
}

/** A body with no declared length, as a chunked upload sends it. */
const chunked = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const char of text) controller.enqueue(new TextEncoder().encode(char));
      controller.close();
    },
  });

describe("the body limit", () => {
  it("refuses a declared length over the limit, and passes one within it", async () => {
    const app = limitedApp();
    // A web Request computes its length only when sent: declared here, as Node's is.
    const over = await app.request("/", {
      method: "POST",
      headers: { "content-length": "11" },
      body: "01234567890",
    });
    expect([over.status, await over.text()]).toEqual([413, "too big"]);
    const within = await app.request("/", {
      method: "POST",
      headers: { "content-length": "10" },
      body: "0123456789",
    });
    expect([within.status, await within.text()]).toEqual([200, "0123456789"]);
  });

  it("counts a body that declares no length", async () => {
    const app = limitedApp();
    const over = await app.request("/", {
      method: "POST",
      body: chunked("01234567890"),
      duplex: "half",
    } as RequestInit);
    expect([over.status, await over.text()]).toEqual([413, "too big"]);
    const within = await app.request("/", {
      method: "POST",
      body: chunked("012345"),
      duplex: "half",
    } as RequestInit);
    expect([within.status, await within.text()]).toEqual([200, "012345"]);
  });
});

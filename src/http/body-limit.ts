import { bodyLimit } from "hono/body-limit";
import { validationError } from "../errors.js";

/** A body over `maxSize` bytes is refused before it is read in full. */
export function limitBody(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw validationError([
        {
          path: [],
          location: "body",
          kind: "too_big",
          message: `Request body must be at most ${maxSize} bytes`,
        },
      ]);
    },
  });
}

/**
 * A port already taken is the usual failure to start a server (another dev server on it, or
 * a copy of this one): say which port, for what, and the variable that picks another.
 */
export function portInUseError(
  what: string,
  address: { port: number; host: string; variable: string },
  cause?: unknown,
): Error {
  return new Error(
    `${what} ${address.port} on ${address.host} is already in use: stop what listens there, or set ${address.variable} to a free port`,
    { cause },
  );
}

/** A billing route that failed: Portico's error `code`, the HTTP `status` (0 offline). */
export class PorticoRequestError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = "PorticoRequestError";
  }
}

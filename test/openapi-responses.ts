import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/** The parts of an OpenAPI 3.1 document the checks read. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, unknown> };
}

export interface OpenApiOperation {
  security?: Record<string, string[]>[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}

export async function fetchOpenApiDocument(baseUrl: string): Promise<OpenApiDocument> {
  const response = await fetch(`${baseUrl}/openapi.json`);
  if (!response.ok) throw new Error(`GET /openapi.json answered ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

/**
 * Checks real responses against the document the server publishes: the status
 * must be documented for that operation, and a JSON body must match the
 * response's schema (OpenAPI 3.1 schemas are JSON Schema 2020-12).
 */
export function createResponseValidator(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  const checked = new Set<string>();

  async function validate(
    request: { method: string; path: string },
    response: Response,
  ): Promise<void> {
    const method = request.method.toLowerCase();
    const operation = document.paths[request.path]?.[method];
    const where = `${request.method} ${request.path} → ${response.status}`;
    if (!operation) throw new Error(`${where}: the operation is not in the document`);
    const documented = operation.responses[String(response.status)];
    if (!documented) throw new Error(`${where}: the status is not documented`);
    checked.add(`${request.method.toUpperCase()} ${request.path} ${response.status}`);
    const contentType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
    if (!documented.content) {
      if (contentType === "application/json")
        throw new Error(`${where}: a JSON body where the document has none`);
      return;
    }
    const media = documented.content[contentType];
    if (!media) throw new Error(`${where}: content type ${contentType} is not documented`);
    if (!media.schema || contentType !== "application/json") return;
    const key = `${method} ${request.path} ${response.status}`;
    let check = compiled.get(key);
    if (!check) {
      // Component refs (`#/components/schemas/…`) resolve against this root.
      check = ajv.compile({ ...media.schema, components: document.components });
      compiled.set(key, check);
    }
    const body: unknown = await response.clone().json();
    if (!check(body)) {
      throw new Error(
        `${where}: body does not match the documented schema: ${ajv.errorsText(check.errors)}\n${JSON.stringify(body)}`,
      );
    }
  }

  return { validate, checked };
}

import { type EndpointReseal, resealEndpointSecrets } from "../billing/outbox/webhook-endpoints.js";
import type { Database } from "../db/client.js";
import { projectDatabases } from "./project-databases.js";
import type { ProjectService } from "./project-service.js";
import type { SecretBox } from "./secret-box.js";

/**
 * Re-seals the outgoing webhook endpoint secrets of the server's database and of every live
 * project's own database, all sealed under the one master key: after a rotation the previous
 * key may go only once none of them needs it. A project whose database cannot be opened is
 * reported as a failure, and the others still go ahead.
 */
export async function resealAllEndpointSecrets(
  server: Pick<Database, "db" | "url">,
  projects: Pick<ProjectService, "list">,
  box: SecretBox,
): Promise<EndpointReseal> {
  const total = await resealEndpointSecrets(server.db, box);
  const databases = projectDatabases({ database: server, poolSize: 2 });
  for (const { id } of await projects.list()) {
    try {
      const database = await databases.open(id);
      try {
        const result = await resealEndpointSecrets(database.db, box, id);
        total.resealed += result.resealed;
        total.current += result.current;
        for (const failure of result.failed) {
          total.failed.push({ ...failure, endpointId: `${id}/${failure.endpointId}` });
        }
      } finally {
        await database.close();
      }
    } catch (error) {
      total.failed.push({ endpointId: `${id}/*`, reason: (error as Error).message });
    }
  }
  return total;
}

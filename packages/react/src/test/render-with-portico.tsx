import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import type { MessageOverrides } from "../messages.js";
import { PorticoProvider } from "../provider.js";

/** Renders `ui` under a provider whose `fetch` is the given fake. */
export function renderWithPortico(
  ui: ReactNode,
  fetch: typeof globalThis.fetch,
  options: { messages?: MessageOverrides; organizationId?: string } = {},
) {
  return render(
    <PorticoProvider
      basePath="/api/billing"
      fetch={fetch}
      messages={options.messages}
      organizationId={options.organizationId}
    >
      {ui}
    </PorticoProvider>,
  );
}

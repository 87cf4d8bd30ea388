import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Loaded by Node from node_modules, not bundled: Portico reads its SQL migrations from its
  // own folder, and finds the embedded database's PostgreSQL binaries beside its module.
  serverExternalPackages: ["portico"],
};

export default nextConfig;

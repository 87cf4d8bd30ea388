import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Loaded by Node from node_modules, not bundled: Portico reads its SQL migrations from its
  // own folder, and its PGlite driver loads WebAssembly relative to its module.
  serverExternalPackages: ["portico"],
};

export default nextConfig;

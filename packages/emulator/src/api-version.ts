/** The version `stripe@23` pins; responses echo the caller's version or this one. */
export const API_VERSION = "2026-10-28.endive";

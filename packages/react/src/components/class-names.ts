/** `portico-x` plus the host's own class, without stray spaces. */
export const join = (...names: (string | undefined)[]) => names.filter(Boolean).join(" ");

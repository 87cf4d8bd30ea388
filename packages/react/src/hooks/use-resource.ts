"use client";

import { useEffect, useSyncExternalStore } from "react";
import type { Resource, ResourceState } from "../store/resource.js";

/** Subscribes to a shared resource and starts its first load after mount (never on the server). */
export function useResource<T>(resource: Resource<T>): ResourceState<T> {
  const state = useSyncExternalStore(
    resource.subscribe,
    resource.getSnapshot,
    resource.getSnapshot,
  );
  useEffect(() => resource.ensureLoaded(), [resource]);
  return state;
}

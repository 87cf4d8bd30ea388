/** One remote value the hooks share: loaded once, refreshed on demand, read with useSyncExternalStore. */
export interface ResourceState<T> {
  data?: T;
  /** Set only while there is no data to show; a failed refresh keeps the last good data. */
  error?: Error;
  /** True until the first load settles, so server and first client render agree. */
  isLoading: boolean;
}

export type Resource<T> = ReturnType<typeof createResource<T>>;

export function createResource<T>(load: () => Promise<T>) {
  let state: ResourceState<T> = { isLoading: true };
  let started = false;
  let latest = 0;
  let inFlight: Promise<void> | undefined;
  const listeners = new Set<() => void>();

  const set = (next: ResourceState<T>) => {
    state = next;
    for (const listener of listeners) listener();
  };

  /**
   * Reloads. Plain refreshes share one request; a custom `loader` (the sync after a return
   * from Stripe) always runs, and whichever request started last wins, so an older answer
   * landing late never overwrites a newer one.
   */
  function refresh(loader: () => Promise<T> = load): Promise<void> {
    if (loader === load && inFlight) return inFlight;
    started = true;
    const id = ++latest;
    const request = loader().then(
      (data) => {
        if (id === latest) set({ data, isLoading: false });
      },
      (error: unknown) => {
        if (id !== latest) return;
        const failure = error instanceof Error ? error : new Error(String(error));
        set(state.data === undefined ? { error: failure, isLoading: false } : state);
      },
    );
    inFlight = request.finally(() => {
      if (id === latest) inFlight = undefined;
    });
    return inFlight;
  }

  return {
    getSnapshot: () => state,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refresh,
    /**
     * Shows data the server just answered (a change of seats). Any request still in flight is
     * older, so its answer is dropped.
     */
    put(data: T) {
      started = true;
      latest++;
      inFlight = undefined;
      set({ data, isLoading: false });
    },
    /** A refresh for what is on screen: nothing happens to a resource nobody has read. */
    refreshIfLoaded(): Promise<void> {
      return started ? refresh() : Promise.resolve();
    },
    /** The first hook to mount starts the load; later ones reuse it. */
    ensureLoaded() {
      if (!started) void refresh();
    },
    /** Resolves with the data, loading it first if needed; rejects like `load`. */
    async read(): Promise<T> {
      if (state.data === undefined) await (inFlight ?? refresh());
      if (state.data !== undefined) return state.data;
      throw state.error ?? new Error("Not loaded");
    },
  };
}

import type { ListBoundary } from "../../db/sync-progress.js";

/**
 * Which stored rows a page of a newest-first Stripe list vouches for. Pages partition time:
 * page k covers `created` in (its oldest second, the previous page's oldest second]. A stored
 * row in that range that none of the listed ids names is not in Stripe's list, so it is read
 * again. Ids listed at the boundary second by earlier pages are carried along, because
 * that second belongs to the next page's range (many objects may share one second).
 */
export interface PageRange {
  /** Exclusive; null: the list's end, no lower bound. */
  after: number | null;
  /** Inclusive; null: the list's start, no upper bound. */
  upTo: number | null;
  /** Ids in the range that Stripe listed, on this page or at the boundary before it. */
  listed: Set<string>;
  /** What the next page starts from. */
  next: ListBoundary | null;
}

export function rangeOfPage(
  previous: ListBoundary | null,
  page: { objects: { id: string; created: number }[]; hasMore: boolean },
): PageRange {
  const listed = new Set([...(previous?.ids ?? []), ...page.objects.map((object) => object.id)]);
  const upTo = previous?.created ?? null;
  if (!page.hasMore) return { after: null, upTo, listed, next: null };
  // Min rather than the last object's: a list out of order must not leave a gap.
  const oldest = Math.min(upTo ?? Number.POSITIVE_INFINITY, ...page.objects.map((o) => o.created));
  const carried = previous?.created === oldest ? previous.ids : [];
  const atOldest = page.objects.filter((object) => object.created === oldest).map((o) => o.id);
  return {
    after: oldest,
    upTo,
    listed,
    next: { created: oldest, ids: [...new Set([...carried, ...atOldest])] },
  };
}

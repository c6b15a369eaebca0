/**
 * Page sizes of an author's own list. The media platform refuses sizes outside them with a 400;
 * 100 is the largest the publish admin's comment page offers (10, 20, 50, 100).
 */
export const AUTHORED_PER_PAGE = { min: 10, max: 100 } as const;

/** The rows a page of an author's list reads; a size outside the range is taken to its nearest end. */
export function authoredPageWindow(
  page: number,
  perPage: number,
): { offset: number; limit: number } {
  const limit = Math.min(
    Math.max(perPage || AUTHORED_PER_PAGE.min, AUTHORED_PER_PAGE.min),
    AUTHORED_PER_PAGE.max,
  );
  return { offset: (Math.max(page || 1, 1) - 1) * limit, limit };
}

/**
 * Pareto fronts of a sweep: the points no other point beats on both of two figures, both to be
 * minimised.
 */

/**
 * For each point, whether no other point is at least as good on both figures and strictly better
 * on one. Equal points do not dominate each other, so duplicates on the front are all marked.
 * Sort by x then sweep the best y so far: O(n log n). Points with a non-finite figure are never on
 * the front and do not dominate.
 */
export function nonDominated(points: ReadonlyArray<readonly [number, number]>): boolean[] {
  const onFront = new Array<boolean>(points.length).fill(false);
  const order = points
    .map((_, i) => i)
    .filter((i) => Number.isFinite(points[i][0]) && Number.isFinite(points[i][1]))
    .sort((a, b) => points[a][0] - points[b][0] || points[a][1] - points[b][1]);
  // Best y among points of strictly smaller x.
  let bestY = Infinity;
  let g = 0;
  while (g < order.length) {
    // One group of equal x: ascending y, so its first point holds the group's smallest y.
    let end = g;
    while (end < order.length && points[order[end]][0] === points[order[g]][0]) end++;
    const groupMinY = points[order[g]][1];
    if (groupMinY < bestY) {
      for (let k = g; k < end && points[order[k]][1] === groupMinY; k++) onFront[order[k]] = true;
      bestY = groupMinY;
    }
    g = end;
  }
  return onFront;
}

/**
 * Pareto fronts of two figures, both to be minimised: the points that no other point is at least as
 * good as on both figures and strictly better than on one. The one implementation behind the
 * sweep reports of the CLI (src/engine/sweep/report.ts) and the panel's sweep chart
 * (webview/sweep/pareto.ts). Pure.
 */

/** Two figures of one point, [x, y], both minimised. */
export type FigurePair = readonly [number, number];

/**
 * Indices of the points on the front, by increasing x; equal points, which do not dominate each
 * other and so are all on the front, keep their input order. Points with a non-finite figure are
 * never on the front and do not dominate. Sort by x then y and keep the points that lower the best
 * y so far, taking every point of an equal-x group that holds the group's smallest y: O(n log n).
 */
export function paretoFront(points: ReadonlyArray<FigurePair>): number[] {
  const order = points
    .map((_, i) => i)
    .filter((i) => Number.isFinite(points[i][0]) && Number.isFinite(points[i][1]))
    .sort((a, b) => points[a][0] - points[b][0] || points[a][1] - points[b][1]);
  const front: number[] = [];
  // Best y among points of strictly smaller x.
  let bestY = Infinity;
  let g = 0;
  while (g < order.length) {
    // One group of equal x: ascending y (a stable sort keeps input order within equal points), so
    // its first point holds the group's smallest y.
    let end = g;
    while (end < order.length && points[order[end]][0] === points[order[g]][0]) end++;
    const groupMinY = points[order[g]][1];
    if (groupMinY < bestY) {
      for (let k = g; k < end && points[order[k]][1] === groupMinY; k++) front.push(order[k]);
      bestY = groupMinY;
    }
    g = end;
  }
  return front;
}

/** For each point, whether it is on the front (see `paretoFront`). */
export function nonDominated(points: ReadonlyArray<FigurePair>): boolean[] {
  const onFront = new Array<boolean>(points.length).fill(false);
  for (const i of paretoFront(points)) onFront[i] = true;
  return onFront;
}

// The paths of the routes mounted on a router so far, read from the router itself, so the CORS
// preflight route covers exactly the API routes however many are added later.

import type { Router } from 'express';

/** A layer of an Express router's stack that holds a route (`router.get(path, …)` and the like). */
interface RouteLayer {
  route?: { path: string | string[] };
}

/** The distinct paths of the routes on `router`, in the order they were added. */
export function listRoutePaths(router: Router): string[] {
  const paths = new Set<string>();
  for (const layer of router.stack as RouteLayer[]) {
    const path = layer.route?.path;
    if (typeof path === 'string') paths.add(path);
    else if (Array.isArray(path)) for (const each of path) paths.add(each);
  }
  return [...paths];
}

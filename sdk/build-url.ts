// Builds request URLs relative to where the router is mounted (docs/protocol.md, Routes).

/** Query values; `undefined` entries are left out. */
export type QueryParams = Record<string, string | number | undefined>;

/**
 * Joins `baseUrl` (with or without trailing slashes) and a route `path` (starting with `/`) and
 * appends the defined query parameters, URL-encoded. Path segments taken from callers must be
 * encoded with {@link encodePathSegment} first.
 */
export function buildUrl(baseUrl: string, path: string, query?: QueryParams): string {
  let url = baseUrl.replace(/\/+$/, '') + path;
  if (query) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) params.append(name, String(value));
    }
    const search = params.toString();
    if (search) url += `?${search}`;
  }
  return url;
}

/** Encodes one path segment, so an id can never add segments, a query or a fragment. */
export function encodePathSegment(segment: string): string {
  return encodeURIComponent(segment);
}

import { relative } from "node:path";

/**
 * Model specs a browser or HTTP client can send that are paths, not names
 * (issue #10 finding 6). `outside` is a model folder outside every root: the
 * `x/../..` form reaches it from the current directory, as the old "not a
 * path" rule let through.
 */
export function hostileModelSpecs(outside: string): string[] {
  return ["/etc", "../..", "~/", outside, `x/../../${relative(process.cwd(), outside)}`, "x/../../../folder"];
}

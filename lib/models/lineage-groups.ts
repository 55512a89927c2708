import type { ModelParent } from "./model-parent";

export interface LineageItem {
  name: string;
  /** The Hub repo the sentinel names. */
  origin: string | null;
  parent: ModelParent | null;
}

export interface LineageGroup<T> {
  /** The repo the group's workspaces came from (a cache model's repo id, or the sentinel's source repo); null: unknown. */
  origin: string | null;
  /** Depth-first: each workspace followed by those made from it, one level deeper. */
  rows: { item: T; depth: number }[];
}

/**
 * Workspaces grouped by the repo they came from, each converted workspace
 * under the one it was made from. Siblings and groups follow `compare`
 * (a group goes where its first workspace sorts), the unknown origin last.
 * A parent that is not in `items` (deleted, or filtered out by a search)
 * leaves its child at the top of the group; a sentinel that claims a cycle
 * cannot hide a workspace.
 */
export function lineageGroups<T extends LineageItem>(items: readonly T[], compare: (a: T, b: T) => number): LineageGroup<T>[] {
  const byName = new Map(items.map((item) => [item.name, item]));
  const parentOf = (item: T) => (item.parent?.kind === "workspace" ? (byName.get(item.parent.name) ?? null) : null);
  const inCycle = (item: T) => {
    const seen = new Set<T>();
    for (let at = parentOf(item); at; at = parentOf(at)) {
      if (at === item) return true;
      if (seen.has(at)) return false;
      seen.add(at);
    }
    return false;
  };
  const isRoot = (item: T) => parentOf(item) === null || inCycle(item);
  const children = new Map<T, T[]>();
  for (const item of items) {
    if (isRoot(item)) continue;
    const parent = parentOf(item) as T;
    children.set(parent, [...(children.get(parent) ?? []), item]);
  }
  const groups = new Map<string | null, LineageGroup<T>>();
  const walk = (group: LineageGroup<T>, item: T, depth: number) => {
    group.rows.push({ item, depth });
    for (const child of [...(children.get(item) ?? [])].sort(compare)) walk(group, child, depth + 1);
  };
  for (const root of items.filter(isRoot).sort(compare)) {
    const origin = root.parent?.kind === "cache" ? root.parent.name : root.origin;
    const group = groups.get(origin) ?? { origin, rows: [] };
    groups.set(origin, group);
    walk(group, root, 0);
  }
  return [...groups.values()].sort((a, b) => Number(a.origin === null) - Number(b.origin === null));
}

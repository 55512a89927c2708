/**
 * The index's `total_parameters` as mlx-lm computes it (`get_total_parameters`
 * in mlx_lm/utils.py): over leaf modules, a quantized one counts
 * `weight.size · 32 / bits` (plus its bias), any other the sizes of all its
 * arrays. A module path counts as a leaf when no other tensor lives below it;
 * arrays held directly by non-leaf modules are not counted, as in mlx-lm.
 */
export function totalParameters(outputs: readonly { name: string; shape: readonly number[] }[], bitsOf: ReadonlyMap<string, number>): number {
  const byModule = new Map<string, { name: string; size: number }[]>();
  for (const o of outputs) {
    const dot = o.name.lastIndexOf(".");
    const path = dot < 0 ? "" : o.name.slice(0, dot);
    const list = byModule.get(path) ?? [];
    list.push({ name: o.name.slice(dot + 1), size: o.shape.reduce((a, b) => a * b, 1) });
    byModule.set(path, list);
  }
  const paths = [...byModule.keys()];
  let total = 0;
  for (const [path, arrays] of byModule) {
    const prefix = path === "" ? "" : `${path}.`;
    if (paths.some((p) => p !== path && p.startsWith(prefix))) continue;
    const bits = bitsOf.get(path);
    const isQuantized = bits !== undefined && arrays.some((a) => a.name === "scales");
    if (isQuantized) {
      const weight = arrays.find((a) => a.name === "weight")?.size ?? 0;
      const bias = arrays.find((a) => a.name === "bias")?.size ?? 0;
      total += (weight * 32) / bits + bias;
    } else {
      total += arrays.reduce((n, a) => n + a.size, 0);
    }
  }
  return total;
}

/**
 * MLX's packing of quantized codes into uint32 words, for every bit width.
 *
 * A row is one little-endian bit stream: code j occupies stream bits
 * [j·bits, (j+1)·bits), least significant bit first, and stream bit k is bit
 * k mod 32 of word k div 32. For 2, 4 and 8 bits that is "16/8/4 codes per
 * word, first code in the low bits"; 3, 5 and 6-bit codes straddle words. MLX's
 * kernels write 3/5/6-bit codes as 8 codes per 3/5 bytes (4 per 3 bytes for
 * 6 bits), which is the same stream. A group of 32 codes always fills whole
 * words, so groups never share a word.
 */

/** Packs `count` codes from `codes[from..]` into `out` starting at word `at`. */
export function packCodes(codes: Uint8Array, from: number, count: number, bits: number, out: Uint32Array, at: number): void {
  let word = 0;
  let used = 0;
  let w = at;
  const end = from + count;
  for (let i = from; i < end; i++) {
    const q = codes[i] as number;
    word |= q << used;
    used += bits;
    if (used >= 32) {
      out[w++] = word >>> 0;
      used -= 32;
      // The high bits of a straddling code start the next word.
      word = used > 0 ? q >>> (bits - used) : 0;
    }
  }
}

/** Unpacks `count` codes from `words[at..]` into `codes[from..]`. */
export function unpackCodes(words: Uint32Array, at: number, count: number, bits: number, codes: Uint8Array, from: number): void {
  const mask = (1 << bits) - 1;
  let w = at;
  let word = words[w] as number;
  let used = 0;
  for (let i = from; i < from + count; i++) {
    let q = word >>> used;
    used += bits;
    if (used >= 32) {
      used -= 32;
      w++;
      word = words[w] ?? 0;
      // The code continues in the low bits of the next word.
      if (used > 0) q |= word << (bits - used);
    }
    codes[i] = q & mask;
  }
}

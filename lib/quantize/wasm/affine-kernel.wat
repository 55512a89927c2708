;; MLX affine quantization, four values at a time with WebAssembly SIMD.
;;
;; WebAssembly float arithmetic is IEEE binary32 with round-to-nearest-even,
;; no flush-to-zero and no fused multiply-add, so every step below rounds
;; exactly as MLX's float32 code does; f32x4.nearest is C's rint (ties to
;; even). The scalar TypeScript kernel (affine-quantize.ts) is the readable
;; statement of the same algorithm; the tests hold the two to identical bytes.
;;
;; Build: node scripts/build-quantize-wasm.mjs (writes affine-kernel-wasm.ts).
(module
  (memory (export "memory") 1)

  ;; Widens $count bf16 values at $src to float32 at $dst (exact).
  (func (export "widenBf16") (param $src i32) (param $dst i32) (param $count i32)
    (local $i i32)
    (loop $widen
      (v128.store
        (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
        (i32x4.shl (v128.load16x4_u (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 1)))) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $widen (i32.lt_u (local.get $i) (local.get $count)))))

  ;; Round-to-nearest-even of float32 lanes to bfloat16 precision (finite lanes).
  (func $bf16x4 (param $x v128) (result v128)
    (v128.and
      (i32x4.add
        (i32x4.add (local.get $x) (i32x4.splat (i32.const 0x7fff)))
        (v128.and (i32x4.shr_u (local.get $x) (i32.const 16)) (i32x4.splat (i32.const 1))))
      (i32x4.splat (i32.const 0xffff0000))))

  (func $bf16 (param $x f32) (result f32)
    (f32x4.extract_lane 0 (call $bf16x4 (f32x4.splat (local.get $x)))))

  ;; round() of C: ties away from zero (Metal's kernel).
  (func $roundAway (param $x f32) (result f32)
    (local $t f32)
    (local.set $t (f32.trunc (local.get $x)))
    (if (result f32) (f32.ge (f32.abs (f32.sub (local.get $x) (local.get $t))) (f32.const 0.5))
      (then (f32.add (local.get $t) (f32.copysign (f32.const 1) (local.get $x))))
      (else (local.get $t))))

  (func $roundAway4 (param $x v128) (result v128)
    (local $t v128)
    (local.set $t (f32x4.trunc (local.get $x)))
    (f32x4.add
      (local.get $t)
      (v128.and
        (f32x4.ge (f32x4.abs (f32x4.sub (local.get $x) (local.get $t))) (f32x4.splat (f32.const 0.5)))
        (v128.or
          (v128.and (local.get $x) (i32x4.splat (i32.const 0x80000000)))
          (f32x4.splat (f32.const 1))))))

  ;; Packs $count one-byte codes at $codes into the little-endian bit stream at $out.
  (func $pack (param $codes i32) (param $count i32) (param $bits i32) (param $out i32)
    (local $j i32) (local $used i64) (local $acc i64) (local $x i64) (local $y i64)
    (if (i32.eq (local.get $bits) (i32.const 4))
      (then
        ;; Eight 4-bit codes (one per byte) fold into one word.
        (loop $four
          (local.set $x (i64.load (i32.add (local.get $codes) (local.get $j))))
          (local.set $x (i64.and (i64.or (local.get $x) (i64.shr_u (local.get $x) (i64.const 4))) (i64.const 0x00ff00ff00ff00ff)))
          (local.set $x (i64.and (i64.or (local.get $x) (i64.shr_u (local.get $x) (i64.const 8))) (i64.const 0x0000ffff0000ffff)))
          (local.set $x (i64.or (local.get $x) (i64.shr_u (local.get $x) (i64.const 16))))
          (i64.store32 (local.get $out) (local.get $x))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (local.set $j (i32.add (local.get $j) (i32.const 8)))
          (br_if $four (i32.lt_u (local.get $j) (local.get $count))))
        (return)))
    (if (i32.eq (local.get $bits) (i32.const 2))
      (then
        ;; Sixteen 2-bit codes: two 8-byte halves of 16 bits each.
        (loop $two
          (local.set $x (i64.load (i32.add (local.get $codes) (local.get $j))))
          (local.set $x (i64.and (i64.or (local.get $x) (i64.shr_u (local.get $x) (i64.const 6))) (i64.const 0x000f000f000f000f)))
          (local.set $x (i64.and (i64.or (local.get $x) (i64.shr_u (local.get $x) (i64.const 12))) (i64.const 0x000000ff000000ff)))
          (local.set $x (i64.and (i64.or (local.get $x) (i64.shr_u (local.get $x) (i64.const 24))) (i64.const 0xffff)))
          (local.set $y (i64.load (i32.add (local.get $codes) (i32.add (local.get $j) (i32.const 8)))))
          (local.set $y (i64.and (i64.or (local.get $y) (i64.shr_u (local.get $y) (i64.const 6))) (i64.const 0x000f000f000f000f)))
          (local.set $y (i64.and (i64.or (local.get $y) (i64.shr_u (local.get $y) (i64.const 12))) (i64.const 0x000000ff000000ff)))
          (local.set $y (i64.and (i64.or (local.get $y) (i64.shr_u (local.get $y) (i64.const 24))) (i64.const 0xffff)))
          (i64.store32 (local.get $out) (i64.or (local.get $x) (i64.shl (local.get $y) (i64.const 16))))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $two (i32.lt_u (local.get $j) (local.get $count))))
        (return)))
    ;; 3, 5, 6 and 8 bits: the general bit stream.
    (loop $any
      (local.set $acc
        (i64.or (local.get $acc)
          (i64.shl (i64.load8_u (i32.add (local.get $codes) (local.get $j))) (local.get $used))))
      (local.set $used (i64.add (local.get $used) (i64.extend_i32_u (local.get $bits))))
      (if (i64.ge_u (local.get $used) (i64.const 32))
        (then
          (i64.store32 (local.get $out) (local.get $acc))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (local.set $acc (i64.shr_u (local.get $acc) (i64.const 32)))
          (local.set $used (i64.sub (local.get $used) (i64.const 32)))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $any (i32.lt_u (local.get $j) (local.get $count)))))

;; Quantizes $groups groups of $gs float32 values at $src.
  ;; Writes packed words at $out, float32 scales and biases at $scales/$biases,
  ;; uses $gs bytes at $codes as scratch. $metal picks Metal's kernel (max
  ;; starting at 0, ties away from zero). $stats: 0 none, 1 model dtype f32,
  ;; 2 model dtype bf16 — then Σ(ŵ−w)², Σw² and max|ŵ−w| (f64) at $sums are
  ;; increased, ŵ being what mx.dequantize returns (sums are float32 within a
  ;; group, float64 across groups). Returns the element index of the first NaN
  ;; or infinity (nothing of its group is written), or -1.
  ;;
  ;; Speed notes: pmin/pmax are plain minps/maxps (the NaN-aware min/max are
  ;; several instructions on x86; there are no NaNs here and the sign of a zero
  ;; never changes the result). Adding 2^23 to a clipped code in [0, 255]
  ;; rounds it to the nearest integer, ties to even, exactly as rint does, and
  ;; leaves the integer in the low mantissa bits: no float-to-int conversion.
  (func (export "quantize")
    (param $src i32) (param $groups i32) (param $gs i32) (param $bits i32)
    (param $codes i32) (param $out i32) (param $scales i32) (param $biases i32)
    (param $metal i32) (param $stats i32) (param $sums i32) (result i32)
    (local $g i32) (local $i i32) (local $p i32) (local $v v128) (local $q v128)
    (local $vmin v128) (local $vmax v128) (local $bad v128)
    (local $wmin f32) (local $wmax f32) (local $scale f32) (local $bias f32) (local $edge f32) (local $q0 f32)
    (local $side i32) (local $nbins f32) (local $sv v128) (local $bv v128) (local $nb v128)
    (local $st v128) (local $bt v128) (local $d v128) (local $e v128)
    (local $se4 v128) (local $ss4 v128) (local $mx4 v128)
    (local $se f64) (local $ss f64) (local $mx f64) (local $wordsPerGroup i32)
    (local $c7fff v128) (local $c1 v128) (local $chi v128) (local $c223 v128) (local $cbits v128) (local $zero v128)
    (local $absMask v128) (local $maxFinite v128)
    (local $v2 v128) (local $q2 v128) (local $d2 v128) (local $e2 v128) (local $vmin2 v128) (local $vmax2 v128)
    (local $se4b v128) (local $ss4b v128) (local $mx4b v128) (local $rk v128) (local $r1 v128) (local $rhi v128) (local $w v128)
    (local.set $nbins (f32.convert_i32_u (i32.sub (i32.shl (i32.const 1) (local.get $bits)) (i32.const 1))))
    (local.set $nb (f32x4.splat (local.get $nbins)))
    (local.set $c7fff (i32x4.splat (i32.const 0x7fff)))
    (local.set $c1 (i32x4.splat (i32.const 1)))
    (local.set $chi (i32x4.splat (i32.const 0xffff0000)))
    (local.set $c223 (f32x4.splat (f32.const 8388608)))
    (local.set $cbits (i32x4.splat (i32.const 0x4b000000)))
    (local.set $zero (f32x4.splat (f32.const 0)))
    (local.set $absMask (i32x4.splat (i32.const 0x7fffffff)))
    (local.set $maxFinite (i32x4.splat (i32.const 0x7f7fffff)))
    ;; ŵ's rounding to the model dtype without a branch per value: bf16 rounds
    ;; (add 0x7fff plus the lowest kept bit, cut the low half); f32 adds nothing
    ;; and keeps every bit.
    (if (i32.eq (local.get $stats) (i32.const 2))
      (then
        (local.set $rk (local.get $c7fff))
        (local.set $r1 (local.get $c1))
        (local.set $rhi (local.get $chi)))
      (else (local.set $rhi (i32x4.splat (i32.const -1)))))
    (local.set $wordsPerGroup (i32.shr_u (i32.mul (local.get $gs) (local.get $bits)) (i32.const 5)))
    (if (local.get $stats)
      (then
        (local.set $se (f64.load (local.get $sums)))
        (local.set $ss (f64.load offset=8 (local.get $sums)))
        (local.set $mx (f64.load offset=16 (local.get $sums)))))
    (block $done
      (loop $group
        (br_if $done (i32.ge_u (local.get $g) (local.get $groups)))
        (local.set $p (i32.add (local.get $src) (i32.shl (i32.mul (local.get $g) (local.get $gs)) (i32.const 2))))

        ;; Pass 1: group min and max, and a check for NaN/infinity. Eight values a
        ;; step in two independent chains (a group has 32, 64 or 128 values), so
        ;; the min/max latency does not serialise the loop.
        (local.set $vmin (f32x4.splat (f32.const inf)))
        (local.set $vmax
          (if (result v128) (local.get $metal)
            (then (f32x4.splat (f32.const 0)))
            (else (f32x4.splat (f32.const -inf)))))
        (local.set $vmin2 (local.get $vmin))
        (local.set $vmax2 (local.get $vmax))
        (local.set $bad (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (loop $scan
          (local.set $v (v128.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $v2 (v128.load offset=16 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $bad
            (v128.or (local.get $bad)
              (v128.or
                (i32x4.gt_s (v128.and (local.get $v) (local.get $absMask)) (local.get $maxFinite))
                (i32x4.gt_s (v128.and (local.get $v2) (local.get $absMask)) (local.get $maxFinite)))))
          (local.set $vmin (f32x4.pmin (local.get $vmin) (local.get $v)))
          (local.set $vmax (f32x4.pmax (local.get $vmax) (local.get $v)))
          (local.set $vmin2 (f32x4.pmin (local.get $vmin2) (local.get $v2)))
          (local.set $vmax2 (f32x4.pmax (local.get $vmax2) (local.get $v2)))
          (local.set $i (i32.add (local.get $i) (i32.const 8)))
          (br_if $scan (i32.lt_u (local.get $i) (local.get $gs))))
        (local.set $vmin (f32x4.pmin (local.get $vmin) (local.get $vmin2)))
        (local.set $vmax (f32x4.pmax (local.get $vmax) (local.get $vmax2)))
        (if (v128.any_true (local.get $bad))
          (then
            (local.set $i (i32.const 0))
            (loop $find
              (if (i32.gt_s
                    (i32.and (i32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 0x7fffffff))
                    (i32.const 0x7f7fffff))
                (then (return (i32.add (i32.mul (local.get $g) (local.get $gs)) (local.get $i)))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $find))))
        ;; Across the lanes with SIMD min/max too: scalar f32.min/f32.max compile to
        ;; compare-and-branch (for NaN and signed zeros), and on real weights those
        ;; branches go either way at random, costing more than the rest of the group.
        (local.set $vmin (f32x4.pmin (local.get $vmin) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vmin) (local.get $vmin))))
        (local.set $vmin (f32x4.pmin (local.get $vmin) (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $vmin) (local.get $vmin))))
        (local.set $vmax (f32x4.pmax (local.get $vmax) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $vmax) (local.get $vmax))))
        (local.set $vmax (f32x4.pmax (local.get $vmax) (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $vmax) (local.get $vmax))))
        (local.set $wmin (f32x4.extract_lane 0 (local.get $vmin)))
        (local.set $wmax (f32x4.extract_lane 0 (local.get $vmax)))

        ;; Scale and bias, exactly as MLX: the edge of larger magnitude is the bias.
        (local.set $side (f32.gt (f32.abs (local.get $wmin)) (f32.abs (local.get $wmax))))
        (local.set $scale
          (f32.max
            (f32.div (f32.sub (local.get $wmax) (local.get $wmin)) (local.get $nbins))
            (f32.const 1e-7)))
        (local.set $scale (select (local.get $scale) (f32.neg (local.get $scale)) (local.get $side)))
        (local.set $edge (select (local.get $wmin) (local.get $wmax) (local.get $side)))
        (local.set $q0 (f32.div (local.get $edge) (local.get $scale)))
        (local.set $q0
          (if (result f32) (local.get $metal)
            (then (call $roundAway (local.get $q0)))
            (else (f32.nearest (local.get $q0)))))
        (local.set $bias (f32.const 0))
        (if (f32.ne (local.get $q0) (f32.const 0))
          (then
            (local.set $scale (f32.div (local.get $edge) (local.get $q0)))
            (local.set $bias (local.get $edge))))
        (f32.store (i32.add (local.get $scales) (i32.shl (local.get $g) (i32.const 2))) (local.get $scale))
        (f32.store (i32.add (local.get $biases) (i32.shl (local.get $g) (i32.const 2))) (local.get $bias))
        (local.set $sv (f32x4.splat (local.get $scale)))
        (local.set $bv (f32x4.splat (local.get $bias)))
        (if (i32.eq (local.get $stats) (i32.const 2))
          (then
            (local.set $st (f32x4.splat (call $bf16 (local.get $scale))))
            (local.set $bt (f32x4.splat (call $bf16 (local.get $bias)))))
          (else
            (local.set $st (local.get $sv))
            (local.set $bt (local.get $bv))))
        (local.set $se4 (v128.const i32x4 0 0 0 0))
        (local.set $ss4 (v128.const i32x4 0 0 0 0))
        (local.set $mx4 (v128.const i32x4 0 0 0 0))

        ;; Pass 2: codes q = clip(round((w − bias)/scale), 0, n_bins).
        (local.set $i (i32.const 0))
        (if (local.get $metal)
          (then
            ;; Metal: round half away from zero, then min(q, n_bins) (q ≥ −0 here). No statistics.
            (loop $quantMetal
              (local.set $v (v128.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
              (local.set $q (f32x4.div (f32x4.sub (local.get $v) (local.get $bv)) (local.get $sv)))
              (local.set $q (f32x4.pmax (f32x4.pmin (call $roundAway4 (local.get $q)) (local.get $nb)) (local.get $zero)))
              (local.set $d (i32x4.sub (f32x4.add (local.get $q) (local.get $c223)) (local.get $cbits)))
              (local.set $d (i16x8.narrow_i32x4_u (local.get $d) (local.get $d)))
              (v128.store32_lane 0
                (i32.add (local.get $codes) (local.get $i))
                (i8x16.narrow_i16x8_u (local.get $d) (local.get $d)))
              (local.set $i (i32.add (local.get $i) (i32.const 4)))
              (br_if $quantMetal (i32.lt_u (local.get $i) (local.get $gs)))))
          (else
            (if (local.get $stats)
              (then
                ;; With statistics: ŵ = T(T(q·scale_T) + bias_T), T the model dtype's
                ;; rounding; two accumulator sets, one per half of the step.
                (local.set $se4b (local.get $se4))
                (local.set $ss4b (local.get $se4))
                (local.set $mx4b (local.get $se4))
                (loop $quantStats
                  (local.set $v (v128.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
                  (local.set $v2 (v128.load offset=16 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
                  (local.set $q (f32x4.add (f32x4.pmin (f32x4.pmax (f32x4.div (f32x4.sub (local.get $v) (local.get $bv)) (local.get $sv)) (local.get $zero)) (local.get $nb)) (local.get $c223)))
                  (local.set $q2 (f32x4.add (f32x4.pmin (f32x4.pmax (f32x4.div (f32x4.sub (local.get $v2) (local.get $bv)) (local.get $sv)) (local.get $zero)) (local.get $nb)) (local.get $c223)))
                  (v128.store64_lane 0
                    (i32.add (local.get $codes) (local.get $i))
                    (i8x16.narrow_i16x8_u (local.tee $w (i16x8.narrow_i32x4_u (i32x4.sub (local.get $q) (local.get $cbits)) (i32x4.sub (local.get $q2) (local.get $cbits)))) (local.get $w)))
                  (local.set $d (f32x4.mul (f32x4.sub (local.get $q) (local.get $c223)) (local.get $st)))
                  (local.set $d2 (f32x4.mul (f32x4.sub (local.get $q2) (local.get $c223)) (local.get $st)))
                  (local.set $d (f32x4.add (v128.and (i32x4.add (i32x4.add (local.get $d) (local.get $rk)) (v128.and (i32x4.shr_u (local.get $d) (i32.const 16)) (local.get $r1))) (local.get $rhi)) (local.get $bt)))
                  (local.set $d2 (f32x4.add (v128.and (i32x4.add (i32x4.add (local.get $d2) (local.get $rk)) (v128.and (i32x4.shr_u (local.get $d2) (i32.const 16)) (local.get $r1))) (local.get $rhi)) (local.get $bt)))
                  (local.set $e (f32x4.sub (v128.and (i32x4.add (i32x4.add (local.get $d) (local.get $rk)) (v128.and (i32x4.shr_u (local.get $d) (i32.const 16)) (local.get $r1))) (local.get $rhi)) (local.get $v)))
                  (local.set $e2 (f32x4.sub (v128.and (i32x4.add (i32x4.add (local.get $d2) (local.get $rk)) (v128.and (i32x4.shr_u (local.get $d2) (i32.const 16)) (local.get $r1))) (local.get $rhi)) (local.get $v2)))
                  (local.set $se4 (f32x4.add (local.get $se4) (f32x4.mul (local.get $e) (local.get $e))))
                  (local.set $se4b (f32x4.add (local.get $se4b) (f32x4.mul (local.get $e2) (local.get $e2))))
                  (local.set $ss4 (f32x4.add (local.get $ss4) (f32x4.mul (local.get $v) (local.get $v))))
                  (local.set $ss4b (f32x4.add (local.get $ss4b) (f32x4.mul (local.get $v2) (local.get $v2))))
                  (local.set $mx4 (f32x4.pmax (local.get $mx4) (f32x4.abs (local.get $e))))
                  (local.set $mx4b (f32x4.pmax (local.get $mx4b) (f32x4.abs (local.get $e2))))
                  (local.set $i (i32.add (local.get $i) (i32.const 8)))
                  (br_if $quantStats (i32.lt_u (local.get $i) (local.get $gs))))
                (local.set $se4 (f32x4.add (local.get $se4) (local.get $se4b)))
                (local.set $ss4 (f32x4.add (local.get $ss4) (local.get $ss4b)))
                (local.set $mx4 (f32x4.pmax (local.get $mx4) (local.get $mx4b))))
              (else
                ;; q = clip((w − bias)/scale, 0, n_bins) + 2^23: rint, and the code in the low bits.
                (loop $quant
                  (local.set $v (v128.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
                  (local.set $v2 (v128.load offset=16 (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))))
                  (local.set $q (f32x4.add (f32x4.pmin (f32x4.pmax (f32x4.div (f32x4.sub (local.get $v) (local.get $bv)) (local.get $sv)) (local.get $zero)) (local.get $nb)) (local.get $c223)))
                  (local.set $q2 (f32x4.add (f32x4.pmin (f32x4.pmax (f32x4.div (f32x4.sub (local.get $v2) (local.get $bv)) (local.get $sv)) (local.get $zero)) (local.get $nb)) (local.get $c223)))
                  (v128.store64_lane 0
                    (i32.add (local.get $codes) (local.get $i))
                    (i8x16.narrow_i16x8_u (local.tee $w (i16x8.narrow_i32x4_u (i32x4.sub (local.get $q) (local.get $cbits)) (i32x4.sub (local.get $q2) (local.get $cbits)))) (local.get $w)))
                  (local.set $i (i32.add (local.get $i) (i32.const 8)))
                  (br_if $quant (i32.lt_u (local.get $i) (local.get $gs))))))))
        (if (local.get $stats)
          (then
            (local.set $se (f64.add (local.get $se) (call $sum4 (local.get $se4))))
            (local.set $ss (f64.add (local.get $ss) (call $sum4 (local.get $ss4))))
            (local.set $mx4 (f32x4.pmax (local.get $mx4) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $mx4) (local.get $mx4))))
            (local.set $mx4 (f32x4.pmax (local.get $mx4) (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $mx4) (local.get $mx4))))
            ;; The running maximum rarely changes: a well-predicted branch.
            (local.set $mx (f64.max (local.get $mx) (f64.promote_f32 (f32x4.extract_lane 0 (local.get $mx4)))))))

        (call $pack (local.get $codes) (local.get $gs) (local.get $bits)
          (i32.add (local.get $out) (i32.shl (i32.mul (local.get $g) (local.get $wordsPerGroup)) (i32.const 2))))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (br $group)))
    (if (local.get $stats)
      (then
        (f64.store (local.get $sums) (local.get $se))
        (f64.store offset=8 (local.get $sums) (local.get $ss))
        (f64.store offset=16 (local.get $sums) (local.get $mx))))
    (i32.const -1))

(func $sum4 (param $x v128) (result f64)
    (f64.add
      (f64.add (f64.promote_f32 (f32x4.extract_lane 0 (local.get $x))) (f64.promote_f32 (f32x4.extract_lane 1 (local.get $x))))
      (f64.add (f64.promote_f32 (f32x4.extract_lane 2 (local.get $x))) (f64.promote_f32 (f32x4.extract_lane 3 (local.get $x))))))
)

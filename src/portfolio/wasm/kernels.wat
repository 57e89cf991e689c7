;; Portfolio estimator kernels: WebAssembly SIMD (f64x2) over column-major f64 data in linear memory.
;; Hand-written; scripts/build-portfolio-wasm.ts assembles it (wabt, build time only) into the
;; base64 module kernels-wasm.ts that src/portfolio/simd.ts loads. All addresses are byte offsets.
;; Columns are `stride` bytes apart; a column's rows are contiguous, so SIMD runs along the rows.
(module
  (memory (export "memory") 1)

  ;; The first row of the column at $p holding a number (a listing's first price or return), or
  ;; $len when there is none. Scalar: only the pre-listing prefix is read.
  (func $first (export "first") (param $p i32) (param $len i32) (result i32)
    (local $i i32) (local $x f64)
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (local.get $len)))
      (local.set $x (f64.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3)))))
      (br_if $b (f64.eq (local.get $x) (local.get $x)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $i))

  ;; Zeros rows [0, $n) of the column at $p.
  (func $zero (param $p i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 3))))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $p) (local.get $end)))
      (f64.store (local.get $p) (f64.const 0))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br $l))))

  ;; In place over bytes [q, end) of a price column: r = p[i+1] / p[i] − 1 (reading p[i+1] before
  ;; r[i] overwrites p[i] keeps the update safe), with Σr and Σr² written at out, out + 8.
  (func $segret (param $q i32) (param $end i32) (param $out i32)
    (local $v v128) (local $a1 v128) (local $a2 v128) (local $s1 f64) (local $s2 f64) (local $x f64)
    (block $b (loop $l
      (br_if $b (i32.gt_u (i32.add (local.get $q) (i32.const 16)) (local.get $end)))
      (local.set $v (f64x2.sub
        (f64x2.div (v128.load offset=8 (local.get $q)) (v128.load (local.get $q)))
        (v128.const f64x2 1 1)))
      (v128.store (local.get $q) (local.get $v))
      (local.set $a1 (f64x2.add (local.get $a1) (local.get $v)))
      (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $v) (local.get $v))))
      (local.set $q (i32.add (local.get $q) (i32.const 16)))
      (br $l)))
    (local.set $s1 (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1))))
    (local.set $s2 (f64.add (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a2))))
    (if (i32.lt_u (local.get $q) (local.get $end)) (then
      (local.set $x (f64.sub (f64.div (f64.load offset=8 (local.get $q)) (f64.load (local.get $q))) (f64.const 1)))
      (f64.store (local.get $q) (local.get $x))
      (local.set $s1 (f64.add (local.get $s1) (local.get $x)))
      (local.set $s2 (f64.add (local.get $s2) (f64.mul (local.get $x) (local.get $x))))))
    (f64.store (local.get $out) (local.get $s1))
    (f64.store offset=8 (local.get $out) (local.get $s2)))

  ;; Σx and Σx² over bytes [q, end) of a column, written at out, out + 8 (read only; four rows a
  ;; step, two accumulators per sum so the add latency does not serialise the loop).
  (func $segsum (param $q i32) (param $end i32) (param $out i32)
    (local $v v128) (local $w v128) (local $a1 v128) (local $b1 v128) (local $a2 v128) (local $b2 v128)
    (local $s1 f64) (local $s2 f64) (local $x f64)
    (block $b (loop $l
      (br_if $b (i32.gt_u (i32.add (local.get $q) (i32.const 32)) (local.get $end)))
      (local.set $v (v128.load (local.get $q)))
      (local.set $w (v128.load offset=16 (local.get $q)))
      (local.set $a1 (f64x2.add (local.get $a1) (local.get $v)))
      (local.set $b1 (f64x2.add (local.get $b1) (local.get $w)))
      (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $v) (local.get $v))))
      (local.set $b2 (f64x2.add (local.get $b2) (f64x2.mul (local.get $w) (local.get $w))))
      (local.set $q (i32.add (local.get $q) (i32.const 32)))
      (br $l)))
    (local.set $a1 (f64x2.add (local.get $a1) (local.get $b1)))
    (local.set $a2 (f64x2.add (local.get $a2) (local.get $b2)))
    (local.set $s1 (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1))))
    (local.set $s2 (f64.add (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a2))))
    (block $tb (loop $tl
      (br_if $tb (i32.ge_u (local.get $q) (local.get $end)))
      (local.set $x (f64.load (local.get $q)))
      (local.set $s1 (f64.add (local.get $s1) (local.get $x)))
      (local.set $s2 (f64.add (local.get $s2) (f64.mul (local.get $x) (local.get $x))))
      (local.set $q (i32.add (local.get $q) (i32.const 8)))
      (br $tl)))
    (f64.store (local.get $out) (local.get $s1))
    (f64.store offset=8 (local.get $out) (local.get $s2)))

  ;; One pass over a column of m rows split at the distinct listing rows segs[0] < segs[1] < …
  ;; (nseg i32s; the last segment ends at m). The column's own listing is segs[q0]: rows before it
  ;; become zeros, and for each segment q ≥ q0 the sums Σx, Σx² go to out + 16q, out + 16q + 8.
  ;; With $prices the column holds m + 1 prices and becomes m simple returns in the same pass.
  ;; Returns Σx over the listed rows: NaN or ±∞ tells the caller a gap or bad value lies inside.
  (func (export "segments") (param $p i32) (param $m i32) (param $segs i32) (param $q0 i32) (param $nseg i32) (param $out i32) (param $prices i32) (result f64)
    (local $q i32) (local $lo i32) (local $hi i32) (local $o i32) (local $tot f64)
    (call $zero (local.get $p) (i32.load (i32.add (local.get $segs) (i32.shl (local.get $q0) (i32.const 2)))))
    (local.set $q (local.get $q0))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $q) (local.get $nseg)))
      (local.set $lo (i32.load (i32.add (local.get $segs) (i32.shl (local.get $q) (i32.const 2)))))
      (local.set $hi (local.get $m))
      (if (i32.lt_u (i32.add (local.get $q) (i32.const 1)) (local.get $nseg)) (then
        (local.set $hi (i32.load offset=4 (i32.add (local.get $segs) (i32.shl (local.get $q) (i32.const 2)))))))
      (local.set $o (i32.add (local.get $out) (i32.shl (local.get $q) (i32.const 4))))
      (if (local.get $prices)
        (then (call $segret
          (i32.add (local.get $p) (i32.shl (local.get $lo) (i32.const 3)))
          (i32.add (local.get $p) (i32.shl (local.get $hi) (i32.const 3))) (local.get $o)))
        (else (call $segsum
          (i32.add (local.get $p) (i32.shl (local.get $lo) (i32.const 3)))
          (i32.add (local.get $p) (i32.shl (local.get $hi) (i32.const 3))) (local.get $o))))
      (local.set $tot (f64.add (local.get $tot) (f64.load (local.get $o))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br $l)))
    (local.get $tot))

  ;; Ledoit-Wolf's β term on uncentred columns: Σ_i (Σ_j (z_j[i] − mean_j)²)² over rows [from, to),
  ;; z_j the column at base + j·stride, mean_j the f64 at means + 8j. The row sums accumulate a
  ;; column at a time into tmp (rows [from, to) of an f64 array), then one pass squares and sums
  ;; them. Centring on the fly leaves the columns untouched (zero before their listing) for the
  ;; Gram, which then skips those zeros.
  (func (export "rowsqc") (param $base i32) (param $stride i32) (param $n i32) (param $from i32) (param $to i32) (param $tmp i32) (param $means i32) (result f64)
    (local $j i32) (local $q i32) (local $t i32) (local $t0 i32) (local $end i32) (local $v v128) (local $mv v128)
    (local $acc v128) (local $m f64) (local $x f64) (local $s f64)
    (local.set $t0 (i32.add (local.get $tmp) (i32.shl (local.get $from) (i32.const 3))))
    (local.set $end (i32.add (local.get $tmp) (i32.shl (local.get $to) (i32.const 3))))
    (local.set $t (local.get $t0))
    (block $zb (loop $zl
      (br_if $zb (i32.ge_u (local.get $t) (local.get $end)))
      (f64.store (local.get $t) (f64.const 0))
      (local.set $t (i32.add (local.get $t) (i32.const 8)))
      (br $zl)))
    (block $jb (loop $jl
      (br_if $jb (i32.ge_u (local.get $j) (local.get $n)))
      (local.set $m (f64.load (i32.add (local.get $means) (i32.shl (local.get $j) (i32.const 3)))))
      (local.set $mv (f64x2.splat (local.get $m)))
      (local.set $q (i32.add (i32.add (local.get $base) (i32.mul (local.get $j) (local.get $stride)))
        (i32.shl (local.get $from) (i32.const 3))))
      (local.set $t (local.get $t0))
      (block $b (loop $l
        (br_if $b (i32.gt_u (i32.add (local.get $t) (i32.const 16)) (local.get $end)))
        (local.set $v (f64x2.sub (v128.load (local.get $q)) (local.get $mv)))
        (v128.store (local.get $t) (f64x2.add (v128.load (local.get $t)) (f64x2.mul (local.get $v) (local.get $v))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (br $l)))
      (if (i32.lt_u (local.get $t) (local.get $end)) (then
        (local.set $x (f64.sub (f64.load (local.get $q)) (local.get $m)))
        (f64.store (local.get $t) (f64.add (f64.load (local.get $t)) (f64.mul (local.get $x) (local.get $x))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $jl)))
    (local.set $t (local.get $t0))
    (block $sb (loop $sl
      (br_if $sb (i32.gt_u (i32.add (local.get $t) (i32.const 16)) (local.get $end)))
      (local.set $v (v128.load (local.get $t)))
      (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $v) (local.get $v))))
      (local.set $t (i32.add (local.get $t) (i32.const 16)))
      (br $sl)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
    (if (i32.lt_u (local.get $t) (local.get $end)) (then
      (local.set $x (f64.load (local.get $t)))
      (local.set $s (f64.add (local.get $s) (f64.mul (local.get $x) (local.get $x))))))
    (local.get $s))

  ;; Gram matrix XᵀX of n columns (n a multiple of 4; m rows, m a multiple of 4; padding rows are
  ;; zeros), added into out (n × n f64, row-major, zeroed by the caller). Column i lives at byte offset
  ;; cols[i] (an i32 array) and is zero before row starts[i] (i32): a tile starts at the first row
  ;; where some product of its columns can be non-zero, so late listings cost only their own
  ;; rows (the caller orders columns by listing, which keeps a tile's listings close).
  ;; A 2 × 4 register tile of f64x2 accumulators: per two rows 6 loads and 8 multiply-adds (four rows a loop step),
  ;; 14 vector registers of x64's 16. Only tiles reaching the diagonal or above are computed (the
  ;; caller reads the upper triangle). Rows go in blocks of `block` (a multiple of 4) so a block
  ;; of every column stays in cache while the tiles walk it.
  (func (export "gram") (param $cols i32) (param $starts i32) (param $n i32) (param $m i32) (param $block i32) (param $out i32)
    (local $r0 i32) (local $r1 i32) (local $i i32) (local $j i32) (local $k i32) (local $kend i32)
    (local $a0 i32) (local $a1 i32) (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $o i32)
    (local $sa i32) (local $sb i32) (local $u i32)
    (local $x0 v128) (local $x1 v128) (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (block $rbd (loop $rbl
      (br_if $rbd (i32.ge_u (local.get $r0) (local.get $m)))
      (local.set $r1 (i32.add (local.get $r0) (local.get $block)))
      (if (i32.gt_u (local.get $r1) (local.get $m)) (then (local.set $r1 (local.get $m))))
      (local.set $i (i32.const 0))
      (block $id (loop $il
        (br_if $id (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $a0 (i32.load (i32.add (local.get $cols) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $a1 (i32.load offset=4 (i32.add (local.get $cols) (i32.shl (local.get $i) (i32.const 2)))))
        ;; sa = min(starts[i], starts[i+1]): the first row either left column is non-zero.
        (local.set $sa (i32.load (i32.add (local.get $starts) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $u (i32.load offset=4 (i32.add (local.get $starts) (i32.shl (local.get $i) (i32.const 2)))))
        (if (i32.lt_u (local.get $u) (local.get $sa)) (then (local.set $sa (local.get $u))))
        (local.set $j (i32.and (local.get $i) (i32.const -4)))
        (block $jd (loop $jl
          (br_if $jd (i32.ge_u (local.get $j) (local.get $n)))
          (local.set $o (i32.add (local.get $cols) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $b0 (i32.load offset=0 (local.get $o)))
          (local.set $b1 (i32.load offset=4 (local.get $o)))
          (local.set $b2 (i32.load offset=8 (local.get $o)))
          (local.set $b3 (i32.load offset=12 (local.get $o)))
          ;; sb = min of the four right columns' starts; the tile starts at max(sa, sb), rounded down to 4.
          (local.set $o (i32.add (local.get $starts) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $sb (i32.load offset=0 (local.get $o)))
          (local.set $u (i32.load offset=4 (local.get $o)))
          (if (i32.lt_u (local.get $u) (local.get $sb)) (then (local.set $sb (local.get $u))))
          (local.set $u (i32.load offset=8 (local.get $o)))
          (if (i32.lt_u (local.get $u) (local.get $sb)) (then (local.set $sb (local.get $u))))
          (local.set $u (i32.load offset=12 (local.get $o)))
          (if (i32.lt_u (local.get $u) (local.get $sb)) (then (local.set $sb (local.get $u))))
          (if (i32.lt_u (local.get $sb) (local.get $sa)) (then (local.set $sb (local.get $sa))))
          (local.set $sb (i32.and (local.get $sb) (i32.const -4)))
          (if (i32.lt_u (local.get $sb) (local.get $r0)) (then (local.set $sb (local.get $r0))))
          (local.set $s00 (v128.const i64x2 0 0)) (local.set $s01 (v128.const i64x2 0 0))
          (local.set $s02 (v128.const i64x2 0 0)) (local.set $s03 (v128.const i64x2 0 0))
          (local.set $s10 (v128.const i64x2 0 0)) (local.set $s11 (v128.const i64x2 0 0))
          (local.set $s12 (v128.const i64x2 0 0)) (local.set $s13 (v128.const i64x2 0 0))
          (local.set $k (i32.shl (local.get $sb) (i32.const 3)))
          (local.set $kend (i32.shl (local.get $r1) (i32.const 3)))
          (block $kd (loop $kl
            (br_if $kd (i32.ge_u (local.get $k) (local.get $kend)))
            ;; Four rows a step: the second two read at offset 16 from the same addresses.
            (local.set $x0 (v128.load (i32.add (local.get $a0) (local.get $k))))
            (local.set $x1 (v128.load (i32.add (local.get $a1) (local.get $k))))
            (local.set $y0 (v128.load (i32.add (local.get $b0) (local.get $k))))
            (local.set $y1 (v128.load (i32.add (local.get $b1) (local.get $k))))
            (local.set $y2 (v128.load (i32.add (local.get $b2) (local.get $k))))
            (local.set $y3 (v128.load (i32.add (local.get $b3) (local.get $k))))
            (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y0))))
            (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y1))))
            (local.set $s02 (f64x2.add (local.get $s02) (f64x2.mul (local.get $x0) (local.get $y2))))
            (local.set $s03 (f64x2.add (local.get $s03) (f64x2.mul (local.get $x0) (local.get $y3))))
            (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y0))))
            (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y1))))
            (local.set $s12 (f64x2.add (local.get $s12) (f64x2.mul (local.get $x1) (local.get $y2))))
            (local.set $s13 (f64x2.add (local.get $s13) (f64x2.mul (local.get $x1) (local.get $y3))))
            (local.set $x0 (v128.load offset=16 (i32.add (local.get $a0) (local.get $k))))
            (local.set $x1 (v128.load offset=16 (i32.add (local.get $a1) (local.get $k))))
            (local.set $y0 (v128.load offset=16 (i32.add (local.get $b0) (local.get $k))))
            (local.set $y1 (v128.load offset=16 (i32.add (local.get $b1) (local.get $k))))
            (local.set $y2 (v128.load offset=16 (i32.add (local.get $b2) (local.get $k))))
            (local.set $y3 (v128.load offset=16 (i32.add (local.get $b3) (local.get $k))))
            (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y0))))
            (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y1))))
            (local.set $s02 (f64x2.add (local.get $s02) (f64x2.mul (local.get $x0) (local.get $y2))))
            (local.set $s03 (f64x2.add (local.get $s03) (f64x2.mul (local.get $x0) (local.get $y3))))
            (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y0))))
            (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y1))))
            (local.set $s12 (f64x2.add (local.get $s12) (f64x2.mul (local.get $x1) (local.get $y2))))
            (local.set $s13 (f64x2.add (local.get $s13) (f64x2.mul (local.get $x1) (local.get $y3))))
            (local.set $k (i32.add (local.get $k) (i32.const 32)))
            (br $kl)))
          (local.set $o (i32.add (local.get $out)
            (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3))))
          (f64.store offset=0 (local.get $o) (f64.add (f64.load offset=0 (local.get $o))
            (f64.add (f64x2.extract_lane 0 (local.get $s00)) (f64x2.extract_lane 1 (local.get $s00)))))
          (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o))
            (f64.add (f64x2.extract_lane 0 (local.get $s01)) (f64x2.extract_lane 1 (local.get $s01)))))
          (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o))
            (f64.add (f64x2.extract_lane 0 (local.get $s02)) (f64x2.extract_lane 1 (local.get $s02)))))
          (f64.store offset=24 (local.get $o) (f64.add (f64.load offset=24 (local.get $o))
            (f64.add (f64x2.extract_lane 0 (local.get $s03)) (f64x2.extract_lane 1 (local.get $s03)))))
          (local.set $o (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 3))))
          (f64.store offset=0 (local.get $o) (f64.add (f64.load offset=0 (local.get $o))
            (f64.add (f64x2.extract_lane 0 (local.get $s10)) (f64x2.extract_lane 1 (local.get $s10)))))
          (f64.store offset=8 (local.get $o) (f64.add (f64.load offset=8 (local.get $o))
            (f64.add (f64x2.extract_lane 0 (local.get $s11)) (f64x2.extract_lane 1 (local.get $s11)))))
          (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o))
            (f64.add (f64x2.extract_lane 0 (local.get $s12)) (f64x2.extract_lane 1 (local.get $s12)))))
          (f64.store offset=24 (local.get $o) (f64.add (f64.load offset=24 (local.get $o))
            (f64.add (f64x2.extract_lane 0 (local.get $s13)) (f64x2.extract_lane 1 (local.get $s13)))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $jl)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $il)))
      (local.set $r0 (local.get $r1))
      (br $rbl))))
)

#!/usr/bin/env bash
# equiv_check.sh SALSA CONFIG DIR CASE: salsa equiv on CONFIG's generated RTL (docs/equiv.md).
#   blocks:    the PE, sparsity gate, requantiser and a scratchpad bank (salsa_scratchpad) against
#              a regenerated copy, and against a copy that differs only in names and comments;
#              the gate, the bank and the PE against their Yosys netlists (--synth).
#   mutations: each mutation below must FAIL (exit 1, a counterexample VCD, a first differing
#              output).
#   rounding:  the requantiser's rounding mutation, the same way (seconds).
#   top_mutation: the whole top (hierarchical proof) with one module mutated inside it: FAIL
#              naming that module and its first differing output (seconds).
#   top:       the whole top against a regenerated copy (hierarchical: PASS full).
#   netlist:   the whole top against its Yosys netlist (salsa equiv --synth, hierarchical: PASS
#              full).
#   sram_macro: the SRAM macro wrapper with its behavioural model against the inferred bank
#              (PASS), and with a mutated model (FAIL).
set -euo pipefail
salsa=$1 config=$2 dir=$3 case=$4
rm -rf "$dir" && mkdir -p "$dir"
"$salsa" gen "$config" -o "$dir/gold" > /dev/null
"$salsa" gen "$config" -o "$dir/regen" > /dev/null
fails=0

# mutate NAME FILE SED: a copy of gold with SED applied to FILE; fails the test if SED changed
# nothing (the mutation must exist in the generated text).
mutate() {
  local name=$1 file=$2 expr=$3
  cp -r "$dir/gold" "$dir/$name"
  sed -i -e "$expr" "$dir/$name/$file"
  if cmp -s "$dir/gold/$file" "$dir/$name/$file"; then
    echo "FAIL: mutation $name: '$expr' changed nothing in $file"
    fails=$((fails + 1))
  fi
}

# expect WANT(PASS|FAIL) TOP A B [ARGS...]: salsa equiv's verdict and exit status (ARGS: more
# salsa equiv options; --timeout 120 unless they give one).
expect() {
  local want=$1 top=$2 a=$3 b=$4 out rc=0
  shift 4
  local start=$SECONDS
  local args=("$@")
  [[ " $* " == *" --timeout "* ]] || args+=(--timeout 120)
  out=$("$salsa" equiv "$a" "$b" --top "$top" "${args[@]}" --out "$b.equiv.$top") || rc=$?
  echo "$(basename "$b") $top: $out ($((SECONDS - start)) s wall)"
  case "$want:$rc" in
    PASS:0) ;;
    FAIL:1)
      if [[ ! -s "$b.equiv.$top/cex.vcd" ]] || ! grep -q "differs in cycle" <<<"$out"; then
        echo "FAIL: $(basename "$b") $top: no counterexample VCD or no differing output"
        fails=$((fails + 1))
      fi
      ;;
    *)
      echo "FAIL: $(basename "$b") $top: expected $want, exit $rc"
      fails=$((fails + 1))
      ;;
  esac
}

case $case in
  blocks)
    # Names and comments only: a renamed internal wire, an added comment.
    mutate renamed salsa_pe.v 's/prod_ext/product_ext/g; s/^endmodule/\/\/ renamed copy\nendmodule/'
    mutate renamed_rq salsa_requant.v 's/\bmask\b/round_mask/g'
    cp "$dir/renamed_rq/salsa_requant.v" "$dir/renamed/"
    for top in salsa_pe salsa_sparsity_gate salsa_requant salsa_scratchpad; do
      expect PASS "$top" "$dir/gold" "$dir/regen"
      expect PASS "$top" "$dir/gold" "$dir/renamed"
    done
    # Against their own Yosys netlists (the PE's multiplier, a module of its own, by ABC in under
    # a second; the requantiser's 32x32 multiplier does not conclude: docs/equiv.md).
    for top in salsa_sparsity_gate salsa_scratchpad salsa_pe; do
      start=$SECONDS
      out=$("$salsa" equiv --synth "$dir/gold" --top "$top" --timeout 120) || true
      echo "gold $top vs its netlist: $out ($((SECONDS - start)) s wall)"
      grep -q "^salsa equiv: PASS full" <<<"$out" || fails=$((fails + 1))
    done
    ;;
  mutations)
    # Swapped PE operands: the 9-bit activation and the 8-bit weight exchange their widths, so
    # the activation's top bit is lost.
    mutate swapped salsa_pe.v 's/\$signed(a_i) \* \$signed(w_i)/$signed({w_i[7], w_i}) * $signed(a_i[7:0])/'
    expect FAIL salsa_pe "$dir/gold" "$dir/swapped"
    # Off-by-one in a scratchpad address: the bank's read row + 1.
    mutate offbyone salsa_scratchpad.v 's/\.raddr_i(raddr_i\[RowBits-1:0\])/.raddr_i(raddr_i[RowBits-1:0] + 1'"'"'b1)/'
    expect FAIL salsa_scratchpad "$dir/gold" "$dir/offbyone"
    # A changed reset value: the PE's valid flag leaves reset set.
    mutate reset salsa_pe.v '0,/a_valid_q <= 1'"'"'b0;/s//a_valid_q <= 1'"'"'b1;/'
    expect FAIL salsa_pe "$dir/gold" "$dir/reset"
    ;;
  rounding)
    # One inverted bit in the requantiser's rounding: TFLite's nudge 2^30 (the + 1 on
    # prod[62:30]) becomes 0. Hierarchically, the 32x32 multiplier is proven first and is a
    # black box in the requantiser, whose counterexample then takes seconds (flat, with the
    # product's bit 30 to set through the multiplier, Yosys' SAT takes about two minutes).
    mutate rounding salsa_requant.v "s/prod_q\[62:30\] + 33'd1/prod_q[62:30] + 33'd0/"
    expect FAIL salsa_requant "$dir/gold" "$dir/rounding" --timeout 600
    ;;
  top_mutation)
    # The scratchpad's off-by-one inside the whole top: the scratchpads are proven first, so the
    # hierarchical proof stops there, naming the module and its first differing output.
    mutate offbyone salsa_scratchpad.v 's/\.raddr_i(raddr_i\[RowBits-1:0\])/.raddr_i(raddr_i[RowBits-1:0] + 1'"'"'b1)/'
    expect FAIL salsa_top "$dir/gold" "$dir/offbyone"
    grep -q '"first_diff": ".*raddr_i of .*salsa_scratchpad"' "$dir/offbyone.equiv.salsa_top/report.json" ||
      { echo "FAIL: the top's FAIL does not name the scratchpad"; fails=$((fails + 1)); }
    ;;
  top)
    # Hierarchical: PASS full in about 100 s (docs/equiv.md).
    expect PASS salsa_top "$dir/gold" "$dir/regen" --timeout 1800
    grep -q '"proof": "full"' "$dir/regen.equiv.salsa_top/report.json" || fails=$((fails + 1))
    ;;
  netlist)
    # Hierarchical, about 6 minutes: every module PASS full, the multiplier modules against the
    # netlist before ABC (docs/equiv.md), the rest mostly by ABC's dprove.
    out=$("$salsa" equiv --synth "$dir/gold" --timeout 1800 \
      --out "$dir/netlist.equiv") || true
    echo "$out"
    grep -q "^salsa equiv: PASS full" <<<"$out" || fails=$((fails + 1))
    grep -q '"proof": "full"' "$dir/netlist.equiv/report.json" || fails=$((fails + 1))
    ;;
  sram_macro)
    # Use (c): the SRAM macro wrapper (sram.macro: blackbox; salsa_sim.f adds the macro's
    # behavioural model) against the inferred bank of the same size, PASS; and against a model
    # whose read data has one bit inverted, FAIL.
    { sed 's/^name: .*/name: tiny_2x2_macro/' "$config"; printf 'sram:\n  macro: blackbox\n'; } \
      > "$dir/macro.yaml"
    "$salsa" gen "$dir/macro.yaml" -o "$dir/macro" > /dev/null
    mutate_macro() {
      cp -r "$dir/macro" "$dir/macro_bad"
      sed -i 's/<= mem_q\[AA\];/<= mem_q[AA] ^ 1;/' "$dir"/macro_bad/sim/*.v
      if cmp -s "$dir"/macro/sim/*.v "$dir"/macro_bad/sim/*.v; then
        echo "FAIL: the macro model mutation changed nothing"
        fails=$((fails + 1))
      fi
    }
    mutate_macro
    expect PASS salsa_sram "$dir/gold" "$dir/macro/salsa_sim.f" --param Width=16 --param Depth=64
    expect FAIL salsa_sram "$dir/gold" "$dir/macro_bad/salsa_sim.f" --param Width=16 \
      --param Depth=64
    ;;
  *)
    echo "equiv_check.sh: unknown case '$case'; accepted: blocks, mutations, rounding, top_mutation, top, netlist, sram_macro"
    exit 2
    ;;
esac
exit $((fails > 0))

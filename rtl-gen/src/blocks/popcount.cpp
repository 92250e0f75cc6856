// salsa_popcount: how many of a vector's bits are set (the sparsity gate's gated-operand count).
#include <algorithm>

#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildPopcount(unsigned lanes) {
  const unsigned cnt_bits = CountBits(lanes);
  Module m("salsa_popcount",
           "Combinational population count of " + N(lanes) +
               " bits: a balanced tree of adders (depth log2 of the width, each level at most " +
               N(cnt_bits) +
               " bits wide: a partial sum never exceeds the bits below it), not a chain of "
               "increments. A module of its own so that formal equivalence proves it alone "
               "(a BDD: a count is a symmetric function) and treats it as a black box in its "
               "parent (docs/equiv.md).");
  m.In("bits_i", N(lanes));
  m.Out("count_o", N(cnt_bits));
  Scope s = m.Body();
  std::string prev = "bits_i";
  unsigned n = lanes, w = 1;
  for (unsigned level = 0; n > 1; ++level) {
    const unsigned n2 = (n + 1) / 2, w2 = std::min(w + 1, cnt_bits);
    const std::string cur = "sum" + N(level);
    s.Wire(cur, N(n2 * w2));
    const std::string j = "j" + N(level);  // one genvar per level
    const std::string a = IdxPart(prev, "2*" + j + "*" + N(w), N(w));
    const std::string b = IdxPart(prev, "(2*" + j + " + 1)*" + N(w), N(w));
    Scope g = s.GenLoop(j, N(n / 2), "gen_sum" + N(level));
    g.Assign(IdxPart(cur, j + "*" + N(w2), N(w2)),
             w2 > w ? "{1'b0, " + a + "} + {1'b0, " + b + "}" : a + " + " + b);
    if (n % 2) {
      const std::string last = IdxPart(prev, N((n - 1) * w), N(w));
      s.Assign(IdxPart(cur, N((n2 - 1) * w2), N(w2)), w2 > w ? "{1'b0, " + last + "}" : last);
    }
    prev = cur;
    n = n2;
    w = w2;
  }
  s.Assign("count_o", lanes == 1 ? "bits_i" : prev);
  return m;
}

}  // namespace salsa::blocks

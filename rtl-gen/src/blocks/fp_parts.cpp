// Pieces shared by the floating-point blocks (see fp_parts.h).
#include "blocks/fp_parts.h"

#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

void AssignLeadingZeros(Scope& s, const std::string& name, const std::string& x, unsigned width) {
  const unsigned bits = CountBits(width);
  const std::string in = s.Wire(name + "_in", N(width));  // a net: x may be a slice
  s.Assign(in, x);
  s.Wire(name, N(bits));
  std::string chain = Bits(bits, width);
  for (unsigned i = 0; i < width; ++i) {  // bit i of x: width - 1 - i leading zeros
    chain = in + "[" + N(i) + "] ? " + Bits(bits, width - 1 - i) + " : " + chain;
  }
  s.Assign(name, chain);
}

void UnpackFp32(Scope& s, const std::string& p, const std::string& x) {
  s.Wire(p + "_sign");
  s.Wire(p + "_exp", "8");
  s.Wire(p + "_man", "23");
  s.Wire(p + "_eeff", "8");
  s.Wire(p + "_sig", "24");
  s.Wire(p + "_zero");
  s.Wire(p + "_inf");
  s.Wire(p + "_nan");
  s.Assign(p + "_sign", x + "[31]");
  s.Assign(p + "_exp", x + "[30:23]");
  s.Assign(p + "_man", x + "[22:0]");
  s.Assign(p + "_eeff", "(" + p + "_exp == 8'd0) ? 8'd1 : " + p + "_exp");
  s.Assign(p + "_sig", "{" + p + "_exp != 8'd0, " + p + "_man}");
  s.Assign(p + "_zero", x + "[30:0] == 31'd0");
  s.Assign(p + "_inf", "(" + p + "_exp == 8'hFF) && (" + p + "_man == 23'd0)");
  s.Assign(p + "_nan", "(" + p + "_exp == 8'hFF) && (" + p + "_man != 23'd0)");
}

void ShiftRightSticky(Scope& s, const std::string& out, const std::string& x, unsigned width,
                      const std::string& amount) {
  const std::string w = N(width);
  s.Wire(out + "_shr", w);
  s.Wire(out + "_lost");
  s.Wire(out, w);
  s.Assign(out + "_shr", x + " >> " + amount);
  s.Assign(out + "_lost", "|(" + x + " & ~({" + w + "{1'b1}} << " + amount + "))");
  s.Assign(out, "{" + out + "_shr[" + N(width - 1) + ":1], " + out + "_shr[0] | " + out + "_lost}");
}

}  // namespace salsa::blocks

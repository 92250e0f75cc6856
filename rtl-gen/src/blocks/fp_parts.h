// Pieces shared by the floating-point blocks (fp8_mul.cpp, fp32_add.cpp, fp_out.cpp).
#pragma once

#include <string>

#include "salsa/ir.h"

namespace salsa::blocks {

// Declares wires <name>_in = x (`width` bits) and `name` (CountBits(width) bits): the number of
// leading zeros of x (`width` when x is zero), as a priority chain from the top bit down.
void AssignLeadingZeros(ir::Scope& s, const std::string& name, const std::string& x,
                        unsigned width);

// Declares the fields of the FP32 value `x` as wires <p>_sign, <p>_exp (8 bits), <p>_man (23),
// <p>_eeff (8: the exponent, 1 for subnormals and zero), <p>_sig (24: hidden bit and fraction, so
// the value is <p>_sig * 2^(<p>_eeff - 150)), <p>_zero, <p>_inf and <p>_nan.
void UnpackFp32(ir::Scope& s, const std::string& p, const std::string& x);

// Declares wire `out` (`width` bits): x >> amount with every shifted-out bit ORed into bit 0 (the
// sticky bit); an amount >= width leaves only the sticky bit.
void ShiftRightSticky(ir::Scope& s, const std::string& out, const std::string& x, unsigned width,
                      const std::string& amount);

}  // namespace salsa::blocks

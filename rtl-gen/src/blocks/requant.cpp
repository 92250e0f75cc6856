// salsa_requant: TFLite int8 requantisation of one value (one per PPU column).
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

namespace {

// The output parameters that travel with a value through a pipeline stage.
const std::vector<std::pair<std::string, std::string>> kCarried = {
    {"rshift", "5"}, {"zp", "8"}, {"min", "8"}, {"max", "8"}};

}  // namespace

Module BuildRequant(const Config& cfg) {
  const bool piped = cfg.pipeline_requant;
  Module m("salsa_requant",
           std::string("TFLite int8 requantisation of one value in ") + (piped ? "three" : "two") +
               " pipeline stages: v = acc + bias; "
               "SaturatingRoundingDoublingHighMul(v << left_shift, multiplier) with a signed "
               "32x32 multiply; RoundingDivideByPOT(., right_shift) (half away from zero); + zero "
               "point; clamp. shift_i > 0 shifts left (TFLite convention), range -31..30.");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("acc_i", "32");
  m.In("bias_i", "32");
  m.In("mult_i", "32");
  m.In("shift_i", "8");
  m.In("zp_i", "8");
  m.In("min_i", "8");
  m.In("max_i", "8");
  m.Out("out_o", "8");
  Scope s = m.Body();
  s.Note("Stage 1: bias, left shift (32-bit wrap, as TFLite).");
  s.Wire("v", "32");
  s.Wire("lshift", "5");
  s.Wire("rshift", "5");
  s.Wire("a", "32", /*is_signed=*/true);
  s.Assign("v", "acc_i + bias_i");
  s.Assign("lshift", "shift_i[7] ? 5'd0 : shift_i[4:0]");
  s.Assign("rshift", "shift_i[7] ? (5'd0 - shift_i[4:0]) : 5'd0");
  s.Assign("a", "v << lshift");
  // The multiplier's operands: the stage-1 wires, or (pipelined) their registered copies.
  std::string mul_a = "a", mul_b = "mult_s", src = "";
  s.Wire("mult_s", "32", /*is_signed=*/true);
  s.Assign("mult_s", "mult_i");
  if (piped) {
    s.Note(
        "pipeline.requant: the multiplier's operands are registered (the DSP input "
        "registers), so the bias add and shift do not share a cycle with the multiply.");
    s.Reg("a_q", "32", /*is_signed=*/true);
    s.Reg("mult_q", "32", /*is_signed=*/true);
    Block copy = {Set("a_q", "a"), Set("mult_q", "mult_s")};
    for (const auto& c : kCarried) {
      s.Reg(c.first + "_p", c.second);
      copy.push_back(Set(c.first + "_p", c.first == "rshift" ? "rshift" : c.first + "_i"));
    }
    s.Seq(clk, "", {}, copy);
    mul_a = "a_q";
    mul_b = "mult_q";
    src = "_p";
  }
  const auto carried = [&](const std::string& name) {
    return src.empty() ? (name == "rshift" ? name : name + "_i") : name + src;
  };
  s.Note("Signed 32x32 -> 64-bit product (4 DSP48 slices); it cannot overflow 64 bits.");
  s.Wire("prod", "64", /*is_signed=*/true);
  s.Assign("prod", mul_a + " * " + mul_b);
  s.Reg("prod_q", "64");
  s.Reg("sat_q");
  for (const auto& c : kCarried) s.Reg(c.first + "_q", c.second);
  s.Note("Datapath registers: no reset (the PPU's valid_q says when out_o means something).");
  Block stage = {Set("prod_q", "prod"), Set("sat_q", "(" + mul_a + " == 32'sh80000000) && (" +
                                                         mul_b + " == 32'sh80000000)")};
  for (const auto& c : kCarried) stage.push_back(Set(c.first + "_q", carried(c.first)));
  s.Seq(clk, "", {}, stage);
  s.Note(
      "Last stage: the doubling high half rounded half away from zero is "
      "(prod + 2^30) >> 31 for either sign (TFLite's nudge 2^30 or 1 - 2^30, then a division "
      "by 2^31 that truncates toward zero), i.e. bits [32:1] of prod[62:30] + 1; then the "
      "rounding shift right, zero point and clamp.");
  struct Def {
    const char* name;
    const char* width;
    bool is_signed;
    std::string value;
  };
  const std::vector<Def> last = {{"rnd", "33", false, "prod_q[62:30] + 33'd1"},
                                 {"high", "32", false, "sat_q ? 32'h7FFFFFFF : rnd[32:1]"},
                                 {"high_s", "32", true, "high"},
                                 {"mask", "32", false, "(32'd1 << rshift_q) - 32'd1"},
                                 {"rem", "32", false, "high & mask"},
                                 {"thr", "32", false, "(mask >> 1) + {31'd0, high[31]}"},
                                 {"shr", "32", false, "high_s >>> rshift_q"},
                                 {"res", "32", false, "shr + {31'd0, (rem > thr)}"},
                                 {"y", "32", true, "res + {{24{zp_q[7]}}, zp_q}"},
                                 {"lo", "32", true, "{{24{min_q[7]}}, min_q}"},
                                 {"hi", "32", true, "{{24{max_q[7]}}, max_q}"}};
  for (const Def& d : last) s.Wire(d.name, d.width, d.is_signed);
  s.Reg("out_q", "8");
  for (const Def& d : last) s.Assign(d.name, d.value);
  s.Seq(clk, "", {},
        {If("y < lo", {Set("out_q", "min_q")},
            {If("y > hi", {Set("out_q", "max_q")}, {Set("out_q", "y[7:0]")})})});
  s.Assign("out_o", "out_q");
  s.Wire("unused_bits");
  s.Assign("unused_bits", "^{rst_ni, prod_q[63], prod_q[29:0], rnd[0], shift_i[6:5]}");
  return m;
}

}  // namespace salsa::blocks

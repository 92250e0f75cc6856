// salsa synth: targets, their Yosys passes and scripts, and the cell classes of their primitives.
#include <stdexcept>

#include "synth/synth.h"

namespace salsa::synth {
namespace {

bool StartsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

bool In(const std::string& s, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (s == n) return true;
  return false;
}

CellClass ClassifyXilinx(const std::string& c) {
  if (StartsWith(c, "LUT")) return CellClass::kLut;  // LUT1..LUT6, LUT6_2
  if (In(c, {"FDRE", "FDSE", "FDCE", "FDPE", "FDRE_1", "FDSE_1", "FDCE_1", "FDPE_1"}))
    return CellClass::kFf;
  if (StartsWith(c, "DSP48")) return CellClass::kDsp;
  if (StartsWith(c, "RAMB")) return CellClass::kBram;
  if (In(c, {"CARRY4", "CARRY8"})) return CellClass::kCarry;
  if (StartsWith(c, "RAM") || StartsWith(c, "SRL")) return CellClass::kLutram;
  if (StartsWith(c, "MUXF")) return CellClass::kMux;
  if (StartsWith(c, "IBUF") || StartsWith(c, "OBUF") || StartsWith(c, "BUFG"))
    return CellClass::kIo;
  return CellClass::kOther;
}

CellClass ClassifyEcp5(const std::string& c) {
  if (c == "LUT4") return CellClass::kLut;
  if (c == "TRELLIS_FF") return CellClass::kFf;
  if (In(c, {"MULT18X18D", "ALU54B"})) return CellClass::kDsp;
  if (In(c, {"DP16KD", "PDPW16KD"})) return CellClass::kBram;
  if (c == "CCU2C") return CellClass::kCarry;
  if (c == "TRELLIS_DPR16X4") return CellClass::kLutram;
  if (In(c, {"PFUMX", "L6MUX21"})) return CellClass::kMux;
  if (In(c, {"TRELLIS_IO", "DCCA"})) return CellClass::kIo;
  return CellClass::kOther;
}

CellClass ClassifyIce40(const std::string& c) {
  if (c == "SB_LUT4") return CellClass::kLut;
  if (StartsWith(c, "SB_DFF")) return CellClass::kFf;
  if (c == "SB_MAC16") return CellClass::kDsp;
  if (StartsWith(c, "SB_RAM40_4K") || c == "SB_SPRAM256KA") return CellClass::kBram;
  if (c == "SB_CARRY") return CellClass::kCarry;
  if (In(c, {"SB_IO", "SB_GB", "SB_GB_IO"})) return CellClass::kIo;
  return CellClass::kOther;
}

CellClass ClassifyGeneric(const std::string& c) {
  // `synth` maps to Yosys' internal gate library: $_DFF_P_, $_SDFFE_PP0P_, $_AND_, $_MUX_, ...
  for (const char* ff : {"$_DFF", "$_SDFF", "$_ALDFF", "$_DLATCH", "$_SR_"})
    if (StartsWith(c, ff)) return CellClass::kFf;
  if (StartsWith(c, "$_")) return CellClass::kLut;
  if (StartsWith(c, "$mem")) return CellClass::kBram;
  return CellClass::kOther;
}

}  // namespace

Target ParseTarget(const std::string& name) {
  if (name == "xilinx") return Target::kXilinx;
  if (name == "ecp5") return Target::kEcp5;
  if (name == "ice40") return Target::kIce40;
  if (name == "generic") return Target::kGeneric;
  throw std::invalid_argument("--target: unknown target '" + name +
                              "'; accepted: xilinx, ecp5, ice40, generic");
}

std::string TargetName(Target t) {
  switch (t) {
    case Target::kXilinx:
      return "xilinx";
    case Target::kEcp5:
      return "ecp5";
    case Target::kIce40:
      return "ice40";
    case Target::kGeneric:
      return "generic";
  }
  return "";
}

std::string TargetPass(Target t) {
  return t == Target::kGeneric ? "synth" : "synth_" + TargetName(t);
}

CellClass Classify(Target t, const std::string& cell_type) {
  switch (t) {
    case Target::kXilinx:
      return ClassifyXilinx(cell_type);
    case Target::kEcp5:
      return ClassifyEcp5(cell_type);
    case Target::kIce40:
      return ClassifyIce40(cell_type);
    case Target::kGeneric:
      return ClassifyGeneric(cell_type);
  }
  return CellClass::kOther;
}

std::string YosysScript(Target t, const std::vector<std::string>& files, const std::string& top,
                        const ScriptPaths& out) {
  // Hierarchy is kept through mapping so `stat` counts every module; synth_xilinx keeps it by
  // default, synth_ecp5 and synth_ice40 need -noflatten. The core is not a chip top: no I/O or
  // clock buffers on its ports (-noiopad, -noclkbuf; ecp5/ice40 add none before P&R).
  std::string pass;
  switch (t) {
    case Target::kXilinx:
      pass = "synth_xilinx -noiopad -noclkbuf";
      break;
    case Target::kEcp5:
      pass = "synth_ecp5 -noflatten";
      break;
    case Target::kIce40:
      pass = "synth_ice40 -dsp -noflatten";
      break;
    case Target::kGeneric:
      pass = "synth";
      break;
  }
  std::string s = "# salsa synth --target " + TargetName(t) + "\n";
  for (const auto& f : files) s += "read_verilog " + f + "\n";
  s += "hierarchy -check -top " + top + "\n";
  s += pass + " -top " + top + "\n";
  s += "tee -q -o " + out.stat_json + " stat -json\n";
  s += "json -o " + out.params_json + " w:clk_i\n";  // every module's parameters, small
  s += "write_verilog -noattr " + out.netlist_v + "\n";
  s += "flatten\n";
  s += "write_json " + out.flat_json + "\n";
  return s;
}

std::string TargetCaveat(Target t) {
  switch (t) {
    case Target::kXilinx:
      return "Yosys synth_xilinx (7-series primitives: LUT6, FDRE, CARRY4, DSP48E1, RAMB18E1/"
             "RAMB36E1) on the core alone, without I/O buffers and without place and route. LUTs "
             "do not include LUT RAM or SRLs (listed apart); Vivado's counts differ by some per "
             "cent. No timing: logic_levels is the number of LUT, MUXF and CARRY4 cells in "
             "series on the worst path.";
    case Target::kEcp5:
      return "Yosys synth_ecp5 (LUT4, TRELLIS_FF, CCU2C, MULT18X18D, DP16KD). No place and "
             "route here: nextpnr-ecp5 is not packaged in Debian 12, so no Fmax and no fit check.";
    case Target::kIce40:
      return "Yosys synth_ice40 -dsp (SB_LUT4, SB_DFF*, SB_CARRY, SB_MAC16, SB_RAM40_4K); fit "
             "against the iCE40 parts nextpnr-ice40 places, and Fmax from nextpnr where one fits.";
    case Target::kGeneric:
      return "Yosys generic `synth`: technology-independent. It tells the relative size of the "
             "blocks and whether logic is removed, but not FPGA resources: memories become "
             "flip-flops (no block RAM inference), multipliers become gates (no DSP mapping), "
             "and `luts` counts 1-bit gates ($_AND_, $_MUX_, ...), which are not LUTs; "
             "logic_levels counts gates, not LUTs.";
  }
  return "";
}

}  // namespace salsa::synth

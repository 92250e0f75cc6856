// Pieces shared by the PE builders (see pe_parts.h).
#include "blocks/pe_parts.h"

#include <algorithm>
#include <utility>

namespace salsa::blocks {

using namespace ir;

Bundle PeLanes(std::vector<Signal> lanes) { return Bundle("pe_lanes", std::move(lanes)); }

Signal Lane(const std::string& name, const std::string& width) { return {name, Dir::kIn, width}; }

void AddLaneRegs(Scope& s, const Bundle& lanes) {
  for (const Signal& l : lanes.Signals()) s.Reg(l.name + "_q", l.width);
}

Block LaneResets(const Bundle& lanes, const std::vector<std::string>& names) {
  Block b;
  for (const Signal& l : lanes.Signals()) {
    if (std::find(names.begin(), names.end(), l.name) == names.end()) continue;
    b.push_back(Set(l.name + "_q", l.width == "1" ? "1'b0" : l.width + "'d0"));
  }
  return b;
}

Block LaneCopies(const std::vector<std::string>& names) {
  Block b;
  for (const std::string& n : names) b.push_back(Set(n + "_q", n + "_i"));
  return b;
}

void AssignLaneOutputs(Scope& s, const Bundle& lanes) {
  for (const Signal& l : lanes.Signals()) s.Assign(l.name + "_o", l.name + "_q");
}

void AssignProduct(Scope& s, const std::string& a, const std::string& w) {
  s.Note(
      "Signed 9-bit x 8-bit product, exact in 17 bits; the signed multiply extends it to 32 bits "
      "(synthesis keeps a 17-bit multiplier).");
  s.Assign("prod_ext", "$signed(" + a + ") * $signed(" + w + ")");
}

void AddOsPorts(Module& m, const Bundle& lanes) {
  lanes.DeclarePorts(m);
  m.In("drain_i");
  m.In("acc_i", "32");
  lanes.DeclarePorts(m, "", /*flip=*/true);
  m.Out("acc_o", "32");
}

void AddOsRegs(Scope& s, const Bundle& lanes) {
  AddLaneRegs(s, lanes);
  s.Reg("acc_q", "32");
  s.Reg("out_q", "32");
}

void DeclareOsWires(Scope& s) {
  s.Wire("acc_d", "32");
  s.Wire("prod_ext", "32");
}

std::string GatedSum(const std::string& base, const std::string& zero) {
  return base + " + ({32{~" + zero + "}} & prod_ext)";
}

void AssignOsAcc(Scope& s, const std::string& a, const std::string& zero) {
  AssignProduct(s, a, "w_i");
  s.Assign("acc_d", GatedSum("({32{~a_clear_i}} & acc_q)", zero));
}

const std::vector<std::string>& OsFlags() {
  static const std::vector<std::string> flags = {"a_valid", "a_clear", "a_last", "a_zero"};
  return flags;
}

Block OsResets(const Bundle& lanes) { return LaneResets(lanes, OsFlags()); }

Block OsAccUpdate() {
  return {If("a_valid_i", {Set("acc_q", "acc_d")}),
          If("drain_i", {Set("out_q", "acc_i")},
             {If("a_valid_i && a_last_i", {Set("out_q", "acc_d")})})};
}

void AssignOsOutputs(Scope& s, const Bundle& lanes) {
  AssignLaneOutputs(s, lanes);
  s.Assign("acc_o", "out_q");
}

}  // namespace salsa::blocks

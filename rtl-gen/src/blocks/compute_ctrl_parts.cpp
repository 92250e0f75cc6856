// Pieces both compute controllers share (see compute_ctrl_parts.h).
#include "blocks/compute_ctrl_parts.h"

#include "blocks/blocks.h"
#include "salsa/hw_contract.h"

namespace salsa::blocks {

using namespace ir;

void AddFeedPorts(Module& m) {
  ComputeStatusBundle().DeclarePorts(m);
  m.Out("act_re_o");
  m.Out("act_raddr_o", "16");
  m.Out("wgt_re_o");
  m.Out("wgt_raddr_o", "16");
  m.Out("gate_valid_o");
}

namespace {
unsigned GeoLsb(const contract::CmdField& f) {
  return f.word == 3 ? f.lsb - 16 : (f.word - 4) * 32 + f.lsb;
}
}  // namespace

std::string GeoField(const std::string& reg, const char* name) {
  const contract::CmdField& f = contract::CmdFieldOf(contract::kOpCompute, name);
  return Slice(reg, N(GeoLsb(f) + f.width - 1), N(GeoLsb(f)));
}

std::string GeoFieldMsb(const std::string& reg, const char* name) {
  const contract::CmdField& f = contract::CmdFieldOf(contract::kOpCompute, name);
  return reg + "[" + N(GeoLsb(f) + f.width - 1) + "]";
}

void AssignRange(Scope& s, const std::string& name, const std::string& busy, const std::string& lo,
                 const std::string& hi) {
  s.Assign(name + "_busy_o", busy);
  s.Assign(name + "_lo_o", lo);
  s.Assign(name + "_hi_o", hi);
}

}  // namespace salsa::blocks

// Pieces both compute controllers share (see compute_ctrl_parts.h).
#include "blocks/compute_ctrl_parts.h"

#include "blocks/blocks.h"

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

void AssignRange(Scope& s, const std::string& name, const std::string& busy, const std::string& lo,
                 const std::string& hi) {
  s.Assign(name + "_busy_o", busy);
  s.Assign(name + "_lo_o", lo);
  s.Assign(name + "_hi_o", hi);
}

}  // namespace salsa::blocks

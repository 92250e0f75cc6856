// salsa_compute_ctrl: runs COMPUTE commands: a feeder streams K steps into the array while a
// drainer empties the previous tile's output registers into the acc scratchpad.
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildComputeCtrl(const Config& cfg) {
  const unsigned rows = cfg.rows, cols = cfg.cols;
  const unsigned wb = CountBits(rows + cols + 1);
  // Cycles a drain job occupies the drainer after its hand-off: the skew wait, then the rows.
  const unsigned drain_cycles = 2 * rows + cols + 2;
  Module m("salsa_compute_ctrl",
           "COMPUTE: the feeder reads K act and weight words (one per cycle) into the sparsity "
           "gate and the array; the first step carries clear when the command starts a new "
           "output tile, the final step of a tile-ending command (drain) carries last, which "
           "copies every PE's sum into its output register. The feeder then hands the drain to "
           "the drainer (wait rows + cols + 1 cycles for the skew, shift rows words into the acc "
           "scratchpad) and is free for the next command at once. A tile-ending command is held "
           "until its own last step falls after the drainer's work (K greater than the "
           "drainer's remaining cycles), so output registers are never overwritten early.");
  m.LocalParam("FIdle", "2'd0", "2");
  m.LocalParam("FHold", "2'd1", "2");
  m.LocalParam("FFeed", "2'd2", "2");
  m.LocalParam("DIdle", "2'd0", "2");
  m.LocalParam("DWait", "2'd1", "2");
  m.LocalParam("DDrain", "2'd2", "2");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("start_i");
  m.In("act_addr_i", "16");
  m.In("wgt_addr_i", "16");
  m.In("k_i", "16");
  m.In("zp_i", "8");
  m.In("clear_i");
  m.In("drain_i");
  m.In("acc_addr_i", "16");
  for (const ComputeStatus& st : kComputeStatus) m.Out(std::string(st.name) + "_o", N(st.bits));
  m.Out("act_re_o");
  m.Out("act_raddr_o", "16");
  m.Out("wgt_re_o");
  m.Out("wgt_raddr_o", "16");
  m.Out("gate_valid_o");
  m.Out("gate_clear_o");
  m.Out("gate_last_o");
  m.Out("zp_o", "8");
  m.Out("array_drain_o");
  m.Out("acc_we_o");
  m.Out("acc_waddr_o", "16");
  Scope s = m.Body();
  // Feeder.
  s.Reg("fstate_q", "2");
  s.Reg("act_q", "16");
  s.Reg("wgt_q", "16");
  s.Reg("k_q", "16");
  s.Reg("first_q");
  s.Reg("drain_q");
  s.Reg("acc_q", "16");
  s.Reg("zp_q", "8");
  s.Reg("act_lo_q", "16");
  s.Reg("wgt_lo_q", "16");
  s.Reg("k0_q", "16");
  s.Reg("rvalid_q");
  s.Reg("rclear_q");
  s.Reg("rlast_q");
  // Drainer.
  s.Reg("dstate_q", "2");
  s.Reg("dacc_q", "16");
  s.Reg("wait_q", N(wb));
  s.Reg("idx_q", "16");
  s.Wire("feeding");
  s.Wire("last_step");
  s.Wire("handoff");
  s.Wire("drain_left", "17");
  s.Wire("go_start");
  s.Wire("go_hold");
  s.Assign("feeding", "fstate_q == FFeed");
  s.Assign("last_step", "feeding && (k_q == 16'd1)");
  s.Assign("handoff", "last_step && drain_q");
  s.Note("Cycles the drainer still needs, this one included (" + N(drain_cycles) +
         " right after a hand-off).");
  s.Assign("drain_left", "(dstate_q == DWait) ? {" + N(17 - wb) + "'d0, wait_q} + 17'd" +
                             N(rows + 1) +
                             " : (dstate_q == DDrain) ? {1'b0, idx_q} + 17'd1 : 17'd0");
  s.Note(
      "A tile-ending command may feed from the next cycle when its last step comes after the "
      "drainer's last shift; any other command may always.");
  s.Assign("go_start", "!drain_i || ({1'b0, k_i} > drain_left)");
  s.Assign("go_hold", "{1'b0, k_q} > drain_left");
  s.Assign("act_re_o", "feeding");
  s.Assign("wgt_re_o", "feeding");
  s.Assign("act_raddr_o", "act_q");
  s.Assign("wgt_raddr_o", "wgt_q");
  s.Note("Scratchpad data arrive the cycle after the read: the step flags follow by one cycle.");
  s.Assign("gate_valid_o", "rvalid_q");
  s.Assign("gate_clear_o", "rclear_q");
  s.Assign("gate_last_o", "rlast_q");
  s.Assign("zp_o", "zp_q");
  s.Assign("array_drain_o", "dstate_q == DDrain");
  s.Assign("acc_we_o", "dstate_q == DDrain");
  s.Assign("acc_waddr_o", "dacc_q + idx_q");
  s.Note(
      "Ranges in use, for the sequencer's hazard checks: the fed command's act and weight "
      "words and (with drain) acc rows, and the drainer's acc rows.");
  s.Assign("feed_busy_o", "fstate_q != FIdle");
  s.Assign("act_busy_o", "fstate_q != FIdle");
  s.Assign("act_lo_o", "{1'b0, act_lo_q}");
  s.Assign("act_hi_o", "{1'b0, act_lo_q} + {1'b0, k0_q}");
  s.Assign("wgt_busy_o", "fstate_q != FIdle");
  s.Assign("wgt_lo_o", "{1'b0, wgt_lo_q}");
  s.Assign("wgt_hi_o", "{1'b0, wgt_lo_q} + {1'b0, k0_q}");
  s.Assign("acc0_busy_o", "(fstate_q != FIdle) && drain_q");
  s.Assign("acc0_lo_o", "{1'b0, acc_q}");
  s.Assign("acc0_hi_o", "{1'b0, acc_q} + 17'd" + N(rows));
  s.Assign("acc1_busy_o", "dstate_q != DIdle");
  s.Assign("acc1_lo_o", "{1'b0, dacc_q}");
  s.Assign("acc1_hi_o", "{1'b0, dacc_q} + 17'd" + N(rows));
  s.Assign("busy_o", "(fstate_q != FIdle) || (dstate_q != DIdle)");
  s.Seq(
      clk, rst,
      {Set("fstate_q", "FIdle"), Set("act_q", "16'd0"), Set("wgt_q", "16'd0"), Set("k_q", "16'd0"),
       Set("first_q", "1'b0"), Set("drain_q", "1'b0"), Set("acc_q", "16'd0"), Set("zp_q", "8'd0"),
       Set("act_lo_q", "16'd0"), Set("wgt_lo_q", "16'd0"), Set("k0_q", "16'd0"),
       Set("rvalid_q", "1'b0"), Set("rclear_q", "1'b0"), Set("rlast_q", "1'b0"),
       Set("dstate_q", "DIdle"), Set("dacc_q", "16'd0"), Set("wait_q", N(wb) + "'d0"),
       Set("idx_q", "16'd0")},
      {Set("rvalid_q", "feeding"), Set("rclear_q", "feeding && first_q"), Set("rlast_q", "handoff"),
       Case(
           "fstate_q",
           {{{"FIdle"},
             {If("start_i",
                 {Set("act_q", "act_addr_i"), Set("wgt_q", "wgt_addr_i"), Set("k_q", "k_i"),
                  Set("first_q", "clear_i"), Set("drain_q", "drain_i"), Set("acc_q", "acc_addr_i"),
                  Set("zp_q", "zp_i"), Set("act_lo_q", "act_addr_i"), Set("wgt_lo_q", "wgt_addr_i"),
                  Set("k0_q", "k_i"), Set("fstate_q", "go_start ? FFeed : FHold")})}},
            {{"FHold"}, {If("go_hold", {Set("fstate_q", "FFeed")})}},
            {{"FFeed"},
             {Set("act_q", "act_q + 16'd1"), Set("wgt_q", "wgt_q + 16'd1"),
              Set("k_q", "k_q - 16'd1"), Set("first_q", "1'b0"),
              If("k_q == 16'd1", {Set("fstate_q", "FIdle")})}}},
           {Set("fstate_q", "FIdle")}),
       Case("dstate_q",
            {{{"DIdle"},
              {If("handoff", {Set("dacc_q", "acc_q"), Set("dstate_q", "DWait"),
                              Set("wait_q", N(wb) + "'d" + N(rows + cols + 1))})}},
             {{"DWait"},
              {If("wait_q == " + N(wb) + "'d0",
                  {Set("dstate_q", "DDrain"), Set("idx_q", "16'd" + N(rows - 1))},
                  {Set("wait_q", "wait_q - " + N(wb) + "'d1")})}},
             {{"DDrain"},
              {Set("idx_q", "idx_q - 16'd1"), If("idx_q == 16'd0", {Set("dstate_q", "DIdle")})}}},
            {Set("dstate_q", "DIdle")})});
  return m;
}

}  // namespace salsa::blocks

// salsa_compute_ctrl: runs one COMPUTE command (feed K steps, wait for the skew, drain).
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildComputeCtrl(const Config& cfg) {
  const unsigned rows = cfg.rows, cols = cfg.cols;
  const unsigned wb = CountBits(rows + cols + 1);
  Module m("salsa_compute_ctrl",
           "COMPUTE: reads K act and weight words (one per cycle) into the sparsity gate and the "
           "array; the first step carries clear when the command starts a new output tile. It "
           "then waits rows + cols + 1 cycles for the skewed pipeline to empty and, with drain, "
           "shifts the rows accumulator words out of the array into the acc scratchpad.");
  m.LocalParam("StIdle", "2'd0", "2");
  m.LocalParam("StFeed", "2'd1", "2");
  m.LocalParam("StWait", "2'd2", "2");
  m.LocalParam("StDrain", "2'd3", "2");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("start_i");
  m.In("act_addr_i", "16");
  m.In("wgt_addr_i", "16");
  m.In("k_i", "16");
  m.In("zp_i", "8");
  m.In("clear_i");
  m.In("drain_i");
  m.In("acc_addr_i", "16");
  m.Out("done_o");
  m.Out("busy_o");
  m.Out("act_re_o");
  m.Out("act_raddr_o", "16");
  m.Out("wgt_re_o");
  m.Out("wgt_raddr_o", "16");
  m.Out("gate_valid_o");
  m.Out("gate_clear_o");
  m.Out("zp_o", "8");
  m.Out("array_drain_o");
  m.Out("acc_we_o");
  m.Out("acc_waddr_o", "16");
  Scope s = m.Body();
  s.Reg("state_q", "2");
  s.Reg("act_q", "16");
  s.Reg("wgt_q", "16");
  s.Reg("k_q", "16");
  s.Reg("first_q");
  s.Reg("drain_q");
  s.Reg("acc_q", "16");
  s.Reg("zp_q", "8");
  s.Reg("wait_q", N(wb));
  s.Reg("idx_q", "16");
  s.Reg("rvalid_q");
  s.Reg("rclear_q");
  s.Reg("done_q");
  s.Wire("feeding");
  s.Assign("feeding", "state_q == StFeed");
  s.Assign("act_re_o", "feeding");
  s.Assign("wgt_re_o", "feeding");
  s.Assign("act_raddr_o", "act_q");
  s.Assign("wgt_raddr_o", "wgt_q");
  s.Note("Scratchpad data arrive the cycle after the read: valid and clear follow by one cycle.");
  s.Assign("gate_valid_o", "rvalid_q");
  s.Assign("gate_clear_o", "rclear_q");
  s.Assign("zp_o", "zp_q");
  s.Assign("array_drain_o", "state_q == StDrain");
  s.Assign("acc_we_o", "state_q == StDrain");
  s.Assign("acc_waddr_o", "acc_q + idx_q");
  s.Assign("done_o", "done_q");
  s.Assign("busy_o", "state_q != StIdle");
  s.Seq(clk, rst,
        {Set("state_q", "StIdle"), Set("act_q", "16'd0"), Set("wgt_q", "16'd0"),
         Set("k_q", "16'd0"), Set("first_q", "1'b0"), Set("drain_q", "1'b0"),
         Set("acc_q", "16'd0"), Set("zp_q", "8'd0"), Set("wait_q", N(wb) + "'d0"),
         Set("idx_q", "16'd0"), Set("rvalid_q", "1'b0"), Set("rclear_q", "1'b0"),
         Set("done_q", "1'b0")},
        {Set("rvalid_q", "feeding"), Set("rclear_q", "feeding && first_q"),
         Set("done_q", "1'b0"),
         Case("state_q",
              {{{"StIdle"},
                {If("start_i",
                    {Set("act_q", "act_addr_i"), Set("wgt_q", "wgt_addr_i"), Set("k_q", "k_i"),
                     Set("first_q", "clear_i"), Set("drain_q", "drain_i"),
                     Set("acc_q", "acc_addr_i"), Set("zp_q", "zp_i"), Set("state_q", "StFeed")})}},
               {{"StFeed"},
                {Set("act_q", "act_q + 16'd1"), Set("wgt_q", "wgt_q + 16'd1"),
                 Set("k_q", "k_q - 16'd1"), Set("first_q", "1'b0"),
                 If("k_q == 16'd1", {Set("state_q", "StWait"),
                                     Set("wait_q", N(wb) + "'d" + N(rows + cols + 1))})}},
               {{"StWait"},
                {If("wait_q == " + N(wb) + "'d0",
                    {If("drain_q", {Set("state_q", "StDrain"), Set("idx_q", "16'd" + N(rows - 1))},
                        {Set("state_q", "StIdle"), Set("done_q", "1'b1")})},
                    {Set("wait_q", "wait_q - " + N(wb) + "'d1")})}},
               {{"StDrain"},
                {Set("idx_q", "idx_q - 16'd1"),
                 If("idx_q == 16'd0", {Set("state_q", "StIdle"), Set("done_q", "1'b1")})}}},
              {Set("state_q", "StIdle")})});
  return m;
}

}  // namespace salsa::blocks

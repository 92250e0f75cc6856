// salsa_sequencer, hand-offs: the read DMA's request (a LOAD or a batch of commands) and the LOAD's
// data, COMPUTE and SCAN to the compute controller, STORE to the store unit.
#include "blocks/blocks.h"
#include "blocks/sequencer_parts.h"

namespace salsa::blocks {

using namespace ir;
namespace k = contract;

// In StLoad the LOAD owns the request; otherwise it is a batch of commands (fetch_go).
void AddReadRequest(Scope& s, const SeqConfig& c) {
  const unsigned aw = c.aw;
  s.Assign("rd_req_valid_o", "fetch_go || (state_q == StLoad)");
  s.Assign("rd_req_addr_o", "(state_q == StLoad) ? " + Slice("dram_addr", N(aw - 1), "0") + " : (" +
                                Slice("cmd_base_i", N(aw - 1), "0") + " + {" +
                                Slice("fetch_idx_q", N(aw - 6), "0") + ", 5'd0})");
  s.Assign("rd_req_row_bytes_o",
           "(state_q == StLoad) ? row_bytes : {" + N(19 - c.pb) + "'d0, batch, 5'd0}");
  s.Assign("rd_req_rows_o",
           "(state_q == StLoad) ? " +
               (c.zs ? "(gather ? g_rows : " + LoadF("rows") + ")" : LoadF("rows")) + " : 16'd1");
  s.Assign("rd_req_stride_o", "(state_q == StLoad) ? " + LoadF("stride") + " : 32'd0");
  s.Assign("rd_req_tag_o", std::string("(state_q == StLoad) ? {") + (c.st ? "1'b0, " : "") +
                               "target, " + LoadF("sp_addr") + "} : {DestCmd, 16'd0}");
  s.Assign("dest_o", "dest_q");
  s.Assign("load_waddr_o", "waddr_q");
}

void AddUnitOutputs(Scope& s, const SeqConfig& c) {
  const bool zs = c.zs;
  const std::string& issue = c.issue;
  const std::string is_cmp = OpIs(k::kOpCompute);
  s.Assign("cmp_start_o", issue + (zs ? " && !c_empty" : "") + " && " +
                              (zs ? "(" + is_cmp + " || " + OpIs(k::kOpScan) + ")" : is_cmp));
  if (!c.ws) s.Assign("cmp_accum_o", ComputeF("accumulate"));
  if (zs) {
    s.Assign("cmp_scan_o", "opcode == " + OpLabel(k::kOpScan));
    s.Assign("cmp_lanes_o", Fld(k::kOpScan, "lanes"));
    s.Assign("cmp_indexed_o", ComputeF("indexed"));
    s.Assign("cmp_j0_o", ComputeF("j0"));
    s.Assign("cmp_stride_o", ComputeF("stride"));
    s.Assign("cmp_group_o", ComputeF("group"));
    s.Assign("rd_req_gather_o", "(state_q == StLoad) && gather");
    s.Assign("rd_req_j0_o", LoadF("j0"));
    s.Note("Weight bytes a gather LOAD leaves out, counted when it issues.");
    s.Assign("ev_skip_bytes_o", "(" + issue + " && " + OpIs(k::kOpLoad) + " && gather) ? {24'd0, " +
                                    LoadF("rows") + " - g_rows} * {16'd0, row_bytes} : 40'd0");
    s.Note("K steps an indexed COMPUTE leaves out (per tile of a group), counted when it issues.");
    s.Assign("ev_skip_steps_o", "(" + issue + " && " + is_cmp + " && " + ComputeF("indexed") +
                                    ") ? {8'd0, " + ComputeF("k") + " - c_keff} * (" +
                                    ComputeF("group") + " ? {16'd0, " + ComputeF("stride") +
                                    "} : 24'd1) : 24'd0");
  }
  // A SCAN's act_addr, k and in_zp have the COMPUTE's bits.
  s.Assign("cmp_act_addr_o", ComputeF("act_addr"));
  s.Assign("cmp_wgt_addr_o", ComputeF("weight_addr"));
  s.Assign("cmp_k_o", ComputeF("k"));
  s.Assign("cmp_zp_o", ComputeF("in_zp"));
  s.Assign("cmp_clear_o", ComputeF("clear"));
  s.Assign("cmp_drain_o", ComputeF("drain"));
  s.Assign("cmp_acc_addr_o", ComputeF("acc_addr"));
  if (c.st) s.Assign("cmp_structured_o", ComputeF("structured"));
  s.Assign("st_start_o", issue + " && " + OpIs(k::kOpStore));
  s.Assign("st_acc_addr_o", StoreF("acc_addr"));
  s.Assign("st_rows_o", StoreF("rows"));
  s.Assign("st_bytes_o", FldBits(k::kOpStore, "row_bytes", c.cb - 1, 0));
  s.Assign("st_bias_addr_o", StoreF("bias_addr"));
  s.Assign("st_dram_addr_o", Slice("dram_addr", N(c.aw - 1), "0"));
  s.Assign("st_stride_o", StoreF("stride"));
  s.Assign("st_mult_o", StoreF("multiplier"));
  s.Assign("st_shift_o", StoreF("shift"));
  s.Assign("st_zp_o", StoreF("out_zp"));
  s.Assign("st_min_o", StoreF("act_min"));
  s.Assign("st_max_o", StoreF("act_max"));
  s.Assign("st_perch_o", StoreF("per_channel"));
  s.Assign("st_qaddr_o", StoreF("mult_addr"));
}

}  // namespace salsa::blocks

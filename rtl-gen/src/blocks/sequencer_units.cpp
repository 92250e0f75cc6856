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
  // Command i is at cmd_base + 32*i: the 32-bit index, zero-extended past addr_bits 37.
  const std::string idx =
      aw - 5 <= 32 ? Slice("fetch_idx_q", N(aw - 6), "0") : N(aw - 5 - 32) + "'d0, fetch_idx_q";
  s.Assign("rd_req_addr_o", "(state_q == StLoad) ? " + Slice("dram_addr", N(aw - 1), "0") + " : (" +
                                Slice("cmd_base_i", N(aw - 1), "0") + " + {" + idx + ", 5'd0})");
  s.Assign("rd_req_row_bytes_o",
           "(state_q == StLoad) ? row_bytes : {" + N(19 - c.pb) + "'d0, batch, 5'd0}");
  s.Assign("rd_req_rows_o",
           "(state_q == StLoad) ? " +
               (c.zs ? "(gather ? g_rows : " + LoadF("rows") + ")" : LoadF("rows")) + " : 16'd1");
  s.Assign("rd_req_stride_o", "(state_q == StLoad) ? " + LoadF("stride") + " : 32'd0");
  // Sliced gathers: the flag and the words per row ride above the destination.
  const bool sg = SlicedGather(c.cfg);
  s.Assign("rd_req_tag_o",
           std::string("(state_q == StLoad) ? {") +
               (sg ? "gather && " + LoadF("sliced") + ", " + LoadF("words_per_row") + ", " : "") +
               (c.st ? "1'b0, " : "") + "target, " + LoadF("sp_addr") + "} : {" +
               (sg ? "17'd0, " : "") + "DestCmd, 16'd0}");
  s.Assign("dest_o", "dest_q");
  if (sg) {
    const unsigned wb = Clog2(c.cfg.gemv_slices);
    s.Note(
        "A sliced gather writes entry e's word i at sp + ((e / W)*wpr + i)*W + (e + i) % W: "
        "gr_q = (e / W)*wpr, ge_q = e % W, gi_q = i.");
    s.Assign("load_wsk_o", "gk_q");
    s.Assign("load_waddr_o", "gk_q ? gsp_q + {gr_q[" + N(15 - wb) + ":0] + gi_q[" + N(15 - wb) +
                                 ":0], ge_q + gi_q[" + N(wb - 1) + ":0]} : waddr_q");
  } else {
    s.Assign("load_waddr_o", "waddr_q");
  }
}

namespace {

// Outputs straight from command fields: prefix + port + "_o" = field `field` of opcode `op`.
struct FieldOut {
  const char* port;
  const char* field;
};
void AssignFields(Scope& s, const std::string& prefix, unsigned op,
                  const std::vector<FieldOut>& outs) {
  for (const FieldOut& o : outs) s.Assign(prefix + o.port + "_o", Fld(op, o.field));
}

}  // namespace

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
    AssignFields(s, "cmp_", k::kOpCompute,
                 {{"indexed", "indexed"}, {"j0", "j0"}, {"stride", "stride"}, {"group", "group"}});
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
  AssignFields(s, "cmp_", k::kOpCompute,
               {{"act_addr", "act_addr"},
                {"wgt_addr", "weight_addr"},
                {"k", "k"},
                {"zp", "in_zp"},
                {"clear", "clear"},
                {"drain", "drain"},
                {"acc_addr", "acc_addr"}});
  if (c.st) s.Assign("cmp_structured_o", ComputeF("structured"));
  if (c.cfg.LowPrecision()) s.Assign("cmp_prec_o", ComputeF("prec"));
  if (c.cfg.HasFp8()) s.Assign("cmp_ld_o", ComputeF("bias_load"));
  if (c.cfg.gemv_slices > 1) s.Assign("cmp_slices_o", ComputeF("slices"));
  if (c.ws) {
    s.Assign("cmp_conv_o", ComputeF("conv"));
    s.Assign("cmp_blocks_o", "ws_blocks");
    s.Assign("cmp_geo_o", "{w7, w6, w5, w4}");
  } else if (c.cfg.OsConv()) {
    s.Assign("cmp_conv_o", ComputeF("conv"));
    s.Assign("cmp_geo_o", "{w7, w6, w5, w4}");
    s.Assign("cmp_xgeo_o", "w3[31:16]");
    if (!c.cfg.zero_skip) s.Assign("cmp_tiles_o", ComputeF("tiles"));
  }
  if (c.cfg.HasFp8() && zs) s.Assign("cmp_scan_fp8_o", ScanF("fp8"));
  s.Assign("st_start_o", issue + " && " + OpIs(k::kOpStore));
  AssignFields(s, "st_", k::kOpStore, {{"acc_addr", "acc_addr"}, {"rows", "rows"}});
  s.Assign("st_bytes_o", FldBits(k::kOpStore, "row_bytes", c.cb - 1, 0));
  AssignFields(s, "st_", k::kOpStore, {{"bias_addr", "bias_addr"}});
  s.Assign("st_dram_addr_o", Slice("dram_addr", N(c.aw - 1), "0"));
  AssignFields(s, "st_", k::kOpStore,
               {{"stride", "stride"},
                {"mult", "multiplier"},
                {"shift", "shift"},
                {"zp", "out_zp"},
                {"min", "act_min"},
                {"max", "act_max"},
                {"perch", "per_channel"},
                {"qaddr", "mult_addr"}});
  if (c.cfg.HasFp8()) {
    AssignFields(s, "st_", k::kOpStore, {{"fmt", "out_fmt"}, {"sat", "saturate"}});
  }
}

}  // namespace salsa::blocks

// salsa_compute_ctrl: runs COMPUTE commands: a feeder streams K steps into the array while a
// drainer empties the previous tile's output registers into the acc scratchpad.
#include <algorithm>

#include "blocks/blocks.h"
#include "blocks/compute_ctrl_parts.h"

namespace salsa::blocks {

using namespace ir;

namespace {

// Zero-skip additions to the feeder (sparsity.zero_skip): SCAN builds the index list, indexed
// COMPUTEs read act words through it (one more pipeline stage for every command), and the drain
// can add into the acc words (read-modify-write, one more stage).
void AddZeroSkipDecls(Scope& s) {
  s.Reg("indexed_q");
  s.Reg("stride_q", "8");
  s.Reg("j_q", "16");
  s.Reg("lanes_q", "8");
  s.Reg("act_len_q", "17");
  s.Reg("wgt_len_q", "17");
  // Group COMPUTE (w0[13]): S tiles, tile t with weights wb + t and acc rows acc + t*rows
  // (indexed with K slices: acc + t*(rows/S), the G words a tile drains).
  s.Reg("tiles_q", "8");
  s.Reg("wbase_q", "16");
  s.Reg("keff_q", "16");
  s.Reg("j0_q", "16");
  s.Reg("clr_q");
  s.Reg("s1_acc_q", "16");
  // SCAN: base and length of the scanned act words, entries written, entries of the last list.
  s.Reg("sc_base_q", "16");
  s.Reg("sc_len_q", "17");
  s.Reg("sc_pos_q", "16");
  s.Reg("sc_v_q");
  s.Reg("sc_i_q", "16");
  s.Reg("cnt_q", "16");
  s.Reg("nnz_q", "16");
  // Index stage: the step's scratchpad addresses and flags, one cycle before the reads.
  s.Reg("s1_valid_q");
  s.Reg("s1_clear_q");
  s.Reg("s1_handoff_q");
  s.Reg("s1_indexed_q");
  s.Reg("s1_act_q", "16");
  s.Reg("s1_wgt_q", "16");
  s.Wire("avail", "16");
  s.Wire("k_eff", "16");
  s.Wire("nz");
  s.Wire("scan_fix");
}

void AddZeroSkipDatapath(Scope& s, const Config& cfg) {
  const unsigned rows = cfg.rows;
  s.Note(
      "Indexed COMPUTE: entries [j0, j0 + K) of the index list, clamped to the list's length "
      "(k_eff = 0: the command does nothing).");
  s.Assign("avail", "nnz_q - j0_i");
  const std::string n_eff = "(j0_i >= nnz_q) ? 16'd0 : (k_i < avail) ? k_i : avail";
  if (ScanPacks(cfg)) {
    const unsigned w = cfg.gemv_slices;
    s.Note("An indexed COMPUTE with slices takes S = " + N(w) +
           " entries a step: ceil(n/S) steps.");
    s.Wire("n_eff", "16");
    s.Wire("x_eff", "16");
    s.Assign("n_eff", n_eff);
    const unsigned lw = Clog2(w);
    s.Assign("x_eff",
             "{" + N(lw) + "'d0, n_eff[15:" + N(lw) + "]} + {15'd0, |n_eff[" + N(lw - 1) + ":0]}");
    s.Assign("k_eff", "!indexed_i ? k_i : xs_i ? x_eff : n_eff");
  } else {
    s.Assign("k_eff", "!indexed_i ? k_i : " + n_eff);
  }
  std::string nz;
  const bool fp8 = cfg.HasFp8();
  for (unsigned l = 0; l < rows; ++l) {
    const std::string lane = IdxPart("act_rdata_i", N(8 * l), "8");
    nz += std::string(l ? " || " : "") + "((lanes_q > 8'd" + N(l) + ") && " +
          (fp8 ? "(scan_fp8_q ? (" + IdxPart("act_rdata_i", N(8 * l), "7") + " != 7'd0) : (" +
                     lane + " != zp_q))"
               : "(" + lane + " != zp_q)") +
          ")";
  }
  s.Note(std::string("SCAN: a word is listed when a tested lane differs from the zero point") +
         (fp8 ? " (an fp8 SCAN: when a tested lane's code is neither +0 nor -0)." : "."));
  s.Assign("nz", nz);
  s.Assign("scan_fix", "(fstate_q == FScanFix) && (cnt_q == 16'd0)");
  s.Assign("idx_we_o", "(sc_v_q && nz) || scan_fix");
  s.Assign("idx_waddr_o", "scan_fix ? 16'd0 : cnt_q");
  s.Assign("idx_wdata_o", "scan_fix ? 16'd0 : sc_i_q");
  s.Assign("idx_re_o", "feeding && indexed_q");
  s.Assign("idx_raddr_o", "j_q");
  s.Assign("scanning_o", "(fstate_q == FScan) || (fstate_q == FScanEnd) || (fstate_q == FScanFix)");
  s.Assign("nnz_o", "nnz_q");
  s.Note("While a SCAN runs: the list entries written so far (a gather may read them).");
  s.Assign("listed_o", "cnt_q");
  s.Note("Reads one cycle after the index stage; an indexed step's act word is base + entry.");
  s.Assign("act_re_o", "s1_valid_q || (fstate_q == FScan)");
  s.Assign("act_raddr_o",
           "(fstate_q == FScan) ? act_q : s1_indexed_q ? sc_base_q + idx_rdata_i : s1_act_q");
  s.Assign("wgt_re_o", "s1_valid_q");
  s.Assign("wgt_raddr_o", "s1_wgt_q");
}

// K slices: a job of S > 1 slices (not fp8, whose slice sums are added in order) drains all
// slices at once: G = rows / S shifts, each adding the bottoms of the S slices (drain_o and the
// array's taps k with (k + 1) % (W / S) == 0, W = gemv_slices) in a balanced tree.
void AddSliceDrainSum(Scope& s, const Config& cfg) {
  const unsigned w = cfg.gemv_slices, rows = cfg.rows, cols = cfg.cols;
  s.Note("K-slice job (dsl_q = log2 S > 0" + std::string(cfg.HasFp8() ? ", not fp8" : "") +
         "): the drain shifts rows/S times and adds the S slices' rows that reach their bottoms "
         "together (dsum, int32 wrapping); other jobs shift rows times and dsum is drain_o.");
  s.Assign("dpar", cfg.HasFp8() ? "(dsl_q != 3'd0) && !dfp_q" : "dsl_q != 3'd0");
  s.Assign("dlen", "dpar ? (16'd" + N(rows) + " >> dsl_q) : 16'd" + N(rows));
  std::string en;
  for (unsigned k = w - 1; k-- > 0;) {
    std::string any;
    for (unsigned l = 1; (1u << l) <= w; ++l) {
      if ((k + 1) % (w >> l) == 0)
        any += (any.empty() ? "" : " || ") + ("(dsl_q == 3'd" + N(l) + ")");
    }
    en += (en.empty() ? "" : ", ") + std::string("(dpar && (") + any + "))";
  }
  s.Assign("dtap_en", "{" + en + "}");
  std::string cols_sum;
  for (unsigned j = cols; j-- > 0;) {
    std::vector<std::string> terms = {IdxPart("drain_data_i", N(32 * j), "32")};
    for (unsigned k = 0; k + 1 < w; ++k) {
      terms.push_back("({32{" + BitOf("dtap_en", N(k), w - 1) + "}} & " +
                      IdxPart("drain_taps_i", N(32 * (k * cols + j)), "32") + ")");
    }
    while (terms.size() > 1) {
      std::vector<std::string> next;
      for (size_t i = 0; i + 1 < terms.size(); i += 2) {
        next.push_back("(" + terms[i] + " + " + terms[i + 1] + ")");
      }
      if (terms.size() % 2) next.push_back(terms.back());
      terms = next;
    }
    cols_sum += terms[0] + (j ? ", " : "");
  }
  s.Assign("dsum", "{" + cols_sum + "}");
}

// The drain's write stage (every os build): the acc word is read while the array's row is
// captured and, for an accumulating command (w0[11]), the row is added to it the cycle after.
// This lets a tiler split K into chunks whose partial sums meet in the acc scratchpad.
void AddAccumulatingDrain(Scope& s, const Config& cfg, const Built& built) {
  s.Note("Drain: read the acc word while the row is captured, write the sum the cycle after.");
  s.Assign("acc_re_o", "dstate_q == DDrain");
  const bool i4 = cfg.Has(Precision::kInt4w), sl = cfg.gemv_slices > 1;
  // The drained row's acc word: the row (S = 1), K slices: the row % G.
  std::string drow = "idx_q";
  if (sl) {
    AddSliceDrainSum(s, cfg);
    s.Note(
        "K slices (dsl_q = log2 S): drained row r goes to acc word dacc + r % (rows/S)" +
        std::string(cfg.HasFp8()
                        ? "; an fp8 job drains one row a cycle and every row after the first "
                          "rows/S adds to the word. A row that adds to the word written the cycle "
                          "before (rows/S = 1) takes that sum (fw_*), not the word read meanwhile."
                        : " (r < rows/S: all slices at once)."));
    for (unsigned l = 1; (1u << l) <= cfg.gemv_slices; ++l) {
      const unsigned g = cfg.rows >> l;  // G of S = 2^l (S divides rows)
      drow = "(dsl_q == 3'd" + N(l) + ") ? " +
             (g == 1               ? std::string("16'd0")
              : (g & (g - 1)) == 0 ? "(idx_q & 16'd" + N(g - 1) + ")"
                                   : "(idx_q % 16'd" + N(g) + ")") +
             " : " + drow;
    }
  }
  if (i4) {
    s.Note(
        "int4w job (dint4_q): rows 2j and 2j+1 hold the even and odd K sums of output row j. "
        "The drain shifts row 2j+1 out first (held in hold_q), then row 2j: their sum goes to "
        "acc word dacc + j" +
        std::string(sl ? " (K slices: j = (r % G) / 2, G even; only the even row writes, so "
                         "two writes are never on consecutive cycles)."
                       : "."));
    if (sl) {
      s.Wire("srow", "16");
      s.Assign("srow", drow);
      s.Assign("drow", "dint4_q ? {1'b0, srow[15:1]} : srow");
    } else {
      s.Assign("drow", "dint4_q ? {1'b0, idx_q[15:1]} : idx_q");
    }
    std::string pair;
    for (unsigned j = cfg.cols; j-- > 0;) {
      pair += IdxPart("hold_q", N(32 * j), "32") + " + " +
              IdxPart(sl ? "dsum" : "drain_data_i", N(32 * j), "32") + (j ? ", " : "");
    }
    s.Assign("pair_sum", "{" + pair + "}");
  }
  if (sl && !i4) s.Assign("drow", drow);
  s.Assign("acc_raddr_o", (i4 || sl) ? "dacc_q + drow" : "dacc_q + idx_q");
  s.Assign("acc_we_o", "wb_v_q");
  s.Assign("acc_waddr_o", "wb_addr_q");
  std::string addend = "acc_rdata_i";
  if (sl) {
    s.Assign("fw_hit", "fw_v_q && (fw_addr_q == wb_addr_q)");
    s.Assign("acc_add", "fw_hit ? fw_data_q : acc_rdata_i");
    addend = "acc_add";
  }
  std::string sum;
  for (unsigned j = cfg.cols; j-- > 0;) {
    sum += "(" + IdxPart("wb_data_q", N(32 * j), "32") + " + (wb_accum_q ? " +
           IdxPart(addend, N(32 * j), "32") + " : 32'd0))" + (j ? ", " : "");
  }
  if (!(sl && cfg.HasFp8())) {
    s.Assign("acc_wdata_o", "{" + sum + "}");
    return;
  }
  s.Note(
      "fp8 job with K slices (wb_fp_q): the rows after the first rows/S add to the word in FP32 "
      "(salsa_fp32_add per column, RNE), so word j = ((p[S-1] + p[S-2]) + ...) + p[0], p[i] "
      "slice i's sum (an fp8 COMPUTE never accumulates otherwise).");
  for (unsigned j = 0; j < cfg.cols; ++j) {
    Instantiate(s, Child(built, "salsa_fp32_add"), "u_drain_add" + N(j), {},
                {{"a_i", IdxPart("wb_data_q", N(32 * j), "32")},
                 {"b_i", IdxPart(addend, N(32 * j), "32")},
                 {"s_o", IdxPart("fp_dsum", N(32 * j), "32")}});
  }
  s.Assign("acc_wdata_o", "wb_fp_q ? (wb_accum_q ? fp_dsum : wb_data_q) : {" + sum + "}");
}

void ZeroSkipFeeder(const Config& cfg, bool oc, Block* reset, Block* start, Block* feed, Block* pre,
                    Block* handoff, std::vector<CaseItem>* fcases) {
  const unsigned rows = cfg.rows;
  const bool pk = ScanPacks(cfg), sl = cfg.gemv_slices > 1;
  const unsigned w = cfg.gemv_slices, lw = Clog2(w);
  for (const auto& [r, v] : std::vector<std::pair<const char*, const char*>>{
           {"indexed_q", "1'b0"},    {"stride_q", "8'd0"},     {"j_q", "16'd0"},
           {"lanes_q", "8'd0"},      {"act_len_q", "17'd0"},   {"wgt_len_q", "17'd0"},
           {"sc_base_q", "16'd0"},   {"tiles_q", "8'd0"},      {"wbase_q", "16'd0"},
           {"keff_q", "16'd0"},      {"j0_q", "16'd0"},        {"clr_q", "1'b0"},
           {"s1_acc_q", "16'd0"},    {"sc_len_q", "17'd0"},    {"sc_pos_q", "16'd0"},
           {"sc_v_q", "1'b0"},       {"sc_i_q", "16'd0"},      {"cnt_q", "16'd0"},
           {"nnz_q", "16'd0"},       {"s1_valid_q", "1'b0"},   {"s1_clear_q", "1'b0"},
           {"s1_handoff_q", "1'b0"}, {"s1_indexed_q", "1'b0"}, {"s1_act_q", "16'd0"},
           {"s1_wgt_q", "16'd0"}}) {
    reset->push_back(Set(r, v));
  }
  // The act and weight ranges have their own lengths here; k0_q is not needed.
  reset->erase(
      std::remove_if(reset->begin(), reset->end(), [](const Stmt& st) { return st.lhs == "k0_q"; }),
      reset->end());
  Block cmd = {
      Set("act_q", pk ? "xs_i ? sc_pkb_q + (j0_i >> " + N(lw) + ") : act_addr_i" : "act_addr_i"),
      Set("wgt_q", "wgt_addr_i"),
      Set("k_q", "k_eff"),
      Set("first_q", "clear_i"),
      Set("drain_q", "drain_i"),
      Set("acc_q", "acc_addr_i"),
      Set("zp_q", "zp_i"),
      Set("act_lo_q", "indexed_i ? sc_base_q : act_addr_i"),
      Set("wgt_lo_q", "wgt_addr_i"),
      Set("indexed_q", "indexed_i"),
      Set("accum_q", "accum_i"),
      Set("stride_q", "stride_i"),
      Set("j_q", "j0_i"),
      Set("act_len_q", oc ? "conv_i ? {1'b0, geo_i[15:0]} : indexed_i ? sc_len_q : "
                            "{1'b0, k_i}"
                          : "indexed_i ? sc_len_q : {1'b0, k_i}"),
      Set("wgt_len_q",
          pk ? "!indexed_i ? ({1'b0, k_i} << slices_i) : xs_i ? (group_i ? xw * {9'd0, "
               "stride_i} : (xw - 17'd" +
                   N(w) + ") * {9'd0, stride_i} + 17'd" + N(w) +
                   ") : group_i ? {1'b0, k_i} * {9'd0, stride_i} : ({1'b0, k_i} - 17'd1) "
                   "* {9'd0, stride_i} + 17'd1"
             : "!indexed_i ? {1'b0, k_i} : group_i ? {1'b0, k_i} * {9'd0, stride_i} "
               ": ({1'b0, k_i} - 17'd1) * {9'd0, stride_i} + 17'd1"),
      Set("tiles_q", oc ? "((group_i || conv_i) && (stride_i != 8'd0)) ? stride_i - 8'd1 "
                          ": 8'd0"
                        : "group_i ? stride_i - 8'd1 : 8'd0"),
      Set("wbase_q", "wgt_addr_i"),
      Set("keff_q", "k_eff"),
      Set("j0_q", "j0_i"),
      Set("clr_q", "clear_i"),
      Set("fstate_q", "(k_eff == 16'd0) ? FIdle : go_start ? FFeed : FHold")};
  Block scan = {Set("act_q", "act_addr_i"),
                Set("k_q", "k_i"),
                Set("zp_q", "zp_i"),
                Set("lanes_q", "lanes_i"),
                Set("drain_q", "1'b0"),
                Set("act_lo_q", "act_addr_i"),
                Set("act_len_q", "{1'b0, k_i}"),
                Set("sc_base_q", "act_addr_i"),
                Set("sc_len_q", "{1'b0, k_i}"),
                Set("sc_pos_q", "16'd0"),
                Set("cnt_q", "16'd0"),
                Set("fstate_q", "FScan")};
  if (pk) {
    for (const Stmt& x : ScanPackScanStart(cfg)) scan.push_back(x);
    cmd.push_back(Set("xs_q", "xs_i"));
    cmd.push_back(Set("xt_q", N(lw) + "'d0"));
  }
  *start = {If("scan_i", scan, cmd)};
  // K slices: a plain step reads S words on, an indexed one with slices stride rows of S words.
  (*feed)[1] = Set("wgt_q", sl ? "wgt_q + ((indexed_q ? {8'd0, stride_q} : 16'd1) << sl_q)"
                               : "wgt_q + (indexed_q ? {8'd0, stride_q} : 16'd1)");
  // A group's next tile: reload the entry range, next weight column, next acc region.
  // Indexed with slices: tile t's rows start at wb + t*S, its entries rotated by t % S (xt_q),
  // so its first read is wb + t*S + t % S.
  const std::string next_base = oc ? "wbase_q + {15'd0, !oc_q}" : "wbase_q + 16'd1";
  const std::string xnext = "wbase_q + 16'd" + N(w);
  (*feed)[4] = If("k_q == 16'd1",
                  {If("tiles_q != 8'd0",
                      {Set("tiles_q", "tiles_q - 8'd1"),
                       Set("wbase_q", pk ? "xs_q ? " + xnext + " : " + next_base : next_base),
                       Set("wgt_q", pk ? "xs_q ? " + xnext + " + {" + N(16 - lw) + "'d0, xt_q + " +
                                             N(lw) + "'d1} : " + next_base
                                       : next_base),
                       Set("j_q", "j0_q"), Set("k_q", "keff_q"), Set("first_q", "clr_q"),
                       Set("acc_q", pk ? "acc_q + (xs_q ? 16'd" + N(rows / cfg.gemv_slices) +
                                             " : 16'd" + N(rows) + ")"
                                       : "acc_q + 16'd" + N(rows)),
                       Set("fstate_q", "FHold")},
                      {Set("fstate_q", "FIdle")})});
  if (pk) {
    // The next tile of an indexed group with slices rotates one way further and reads the
    // packed act words from the chunk's first again.
    feed->push_back(
        If("(k_q == 16'd1) && (tiles_q != 8'd0)",
           {Set("xt_q", "xt_q + " + N(lw) + "'d1"),
            Set("act_q", "xs_q ? sc_pkb_q + (j0_q >> " + N(lw) + ") : act_q + 16'd1")}));
  }
  feed->insert(feed->begin() + 4, Set("j_q", "j_q + 16'd1"));
  *pre = {Set("rvalid_q", "s1_valid_q"),
          Set("rclear_q", "s1_clear_q"),
          Set("rlast_q", "s1_handoff_q"),
          Set("s1_valid_q", "feeding"),
          Set("s1_clear_q", "feeding && first_q"),
          Set("s1_handoff_q", "handoff"),
          Set("s1_indexed_q", pk ? "indexed_q && !xs_q" : "indexed_q"),
          Set("s1_act_q", oc ? "oc_q ? oc_raddr : act_q" : "act_q"),
          Set("s1_wgt_q", "wgt_q"),
          Set("s1_acc_q", "acc_q"),
          Set("sc_v_q", "fstate_q == FScan"),
          Set("sc_i_q", "sc_pos_q"),
          If("sc_v_q && nz", {Set("cnt_q", "cnt_q + 16'd1")})};
  (*handoff)[0] = Set("dacc_q", "s1_acc_q");  // acc_q may already hold a group's next tile
  fcases->push_back(
      {{"FScan"},
       {Set("act_q", "act_q + 16'd1"), Set("sc_pos_q", "sc_pos_q + 16'd1"),
        Set("k_q", "k_q - 16'd1"), If("k_q == 16'd1", {Set("fstate_q", "FScanEnd")})}});
  fcases->push_back({{"FScanEnd"}, {Set("fstate_q", "FScanFix")}});
  fcases->push_back(
      {{"FScanFix"}, {Set("nnz_q", "(cnt_q == 16'd0) ? 16'd1 : cnt_q"), Set("fstate_q", "FIdle")}});
}

}  // namespace

// Cycles the drainer waits after a K-slice job's hand-off: the PE pipeline behind a step that
// reaches PE(0, 0) (a plain job waits rows + cols + 1, its last PE rows + cols - 2 cycles later).
constexpr unsigned kSliceDrainWait = 3;

Module BuildComputeCtrl(const Config& cfg, const Built& built) {
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
  const bool zs = cfg.zero_skip, st = cfg.structured24, lowp = cfg.LowPrecision(),
             fp8 = cfg.HasFp8(), i4 = cfg.Has(Precision::kInt4w);
  const std::string fw = zs ? "3" : "2", F = fw + "'d";  // feeder state bits
  m.LocalParam("FIdle", F + "0", fw);
  m.LocalParam("FHold", F + "1", fw);
  m.LocalParam("FFeed", F + "2", fw);
  if (zs) {
    m.LocalParam("FScan", F + "3", fw);
    m.LocalParam("FScanEnd", F + "4", fw);
    m.LocalParam("FScanFix", F + "5", fw);
  }
  m.LocalParam("DIdle", "2'd0", "2");
  m.LocalParam("DWait", "2'd1", "2");
  m.LocalParam("DDrain", "2'd2", "2");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  ComputeCmd(cfg).DeclarePorts(m, "", /*flip=*/true);
  AddFeedPorts(m);
  m.Out("gate_clear_o");
  m.Out("gate_last_o");
  if (lowp) m.Out("gate_prec_o", "2");
  if (fp8) m.Out("gate_ld_o");
  m.Out("zp_o", "8");
  if (cfg.gemv_slices > 1) m.Out("gate_slices_o", "3");
  m.Out("array_drain_o");
  m.Out("acc_we_o");
  m.Out("acc_waddr_o", "16");
  m.In("accum_i");
  m.In("drain_data_i", N(cols * 32));
  if (cfg.gemv_slices > 1) m.In("drain_taps_i", N((cfg.gemv_slices - 1) * cols * 32));
  AccRead(cfg).DeclarePorts(m, "acc_");
  m.Out("acc_wdata_o", N(cols * 32));
  if (zs) {
    const Bundle zsc = ZeroSkipCmd();
    zsc.Select({"scan", "lanes", "indexed", "j0", "stride"}).DeclarePorts(m, "", /*flip=*/true);
    m.In("act_rdata_i", N(rows * 8));
    zsc.Select({"scanning", "nnz", "listed"}).DeclarePorts(m, "", /*flip=*/true);
    m.Out("idx_we_o");
    m.Out("idx_waddr_o", "16");
    m.Out("idx_wdata_o", "16");
    m.Out("idx_re_o");
    m.Out("idx_raddr_o", "16");
    m.In("idx_rdata_i", "16");
    zsc.Select({"group"}).DeclarePorts(m, "", /*flip=*/true);
    if (ScanPacks(cfg)) AddScanPackPorts(m, cfg);
  }
  if (st) AddStructuredPorts(m, cfg);
  const bool oc = cfg.OsConv();
  if (oc) AddOsConvPorts(m, cfg);
  Scope s = m.Body();
  // Feeder.
  s.Reg("fstate_q", fw);
  s.Reg("act_q", "16");
  s.Reg("wgt_q", "16");
  s.Reg("k_q", "16");
  s.Reg("first_q");
  s.Reg("drain_q");
  s.Reg("acc_q", "16");
  s.Reg("zp_q", "8");
  s.Reg("act_lo_q", "16");
  s.Reg("wgt_lo_q", "16");
  if (!zs) s.Reg("k0_q", "16");
  s.Reg("rvalid_q");
  s.Reg("rclear_q");
  s.Reg("rlast_q");
  s.Reg("accum_q");
  // Drainer, and its write stage: the array's row and its address, added to the acc word read
  // meanwhile when the job accumulates.
  s.Reg("dstate_q", "2");
  s.Reg("dacc_q", "16");
  s.Reg("wait_q", N(wb));
  s.Reg("idx_q", "16");
  s.Reg("daccum_q");
  s.Reg("wb_v_q");
  s.Reg("wb_accum_q");
  s.Reg("wb_addr_q", "16");
  s.Reg("wb_data_q", N(cols * 32));
  if (lowp) {
    // The command's datapath and bias-load flag, and the read stage's copies.
    s.Reg("prec_q", "2");
    s.Reg("rprec_q", "2");
    if (zs) s.Reg("s1_prec_q", "2");
  }
  if (fp8) {
    s.Reg("ld_q");
    s.Reg("rld_q");
    if (zs) {
      s.Reg("s1_ld_q");
      s.Reg("scan_fp8_q");
    }
  }
  const bool sl = cfg.gemv_slices > 1;
  if (sl) {
    // The command's log2 S and the read stage's copy; the job's; cycles until no plain step is
    // left in the skewed array; the drain's last write (forwarded to the next row's add).
    s.Reg("sl_q", "3");
    s.Reg("rsl_q", "3");
    s.Reg("dsl_q", "3");
    s.Reg("skew_q", N(CountBits(rows + cols)));
    s.Reg("fw_v_q");
    s.Reg("fw_addr_q", "16");
    s.Reg("fw_data_q", N(cols * 32));
    s.Wire("fw_hit");
    s.Wire("acc_add", N(cols * 32));
    s.Wire("sl_wait");
    // The drain job's mode (all slices at once), its shifts, the taps it adds, their sum.
    s.Wire("dpar");
    s.Wire("dlen", "16");
    s.Wire("dtap_en", N(cfg.gemv_slices - 1));
    s.Wire("dsum", N(cols * 32));
  }
  if (i4) {
    s.Reg("dint4_q");
    s.Reg("hold_q", N(cols * 32));
    s.Wire("drow", "16");
    s.Wire("pair_sum", N(cols * 32));
  } else if (sl) {
    s.Wire("drow", "16");
  }
  if (sl && fp8) {
    s.Reg("dfp_q");    // the drain job is fp8
    s.Reg("wb_fp_q");  // the write stage's row is of an fp8 job
    s.Wire("fp_dsum", N(cols * 32));
  }
  s.Wire("feeding");
  s.Wire("last_step");
  s.Wire("handoff");
  s.Wire("drain_left", "17");
  s.Wire("go_start");
  s.Wire("go_hold");
  if (zs) AddZeroSkipDecls(s);
  const bool pk = ScanPacks(cfg);
  if (pk) AddScanPackDecls(s, cfg);
  if (st) AddStructuredDecls(s, cfg);
  if (oc) AddOsConvDecls(s, cfg);
  s.Assign("feeding", "fstate_q == FFeed");
  s.Assign("last_step", "feeding && (k_q == 16'd1)");
  s.Assign("handoff", "last_step && drain_q");
  s.Note("Cycles the drainer still needs, this one included (" + N(drain_cycles) +
         " right after a hand-off" +
         (zs ? ", one more while the hand-off is in the index stage)." : ")."));
  const std::string left = "(dstate_q == DWait) ? {" + N(17 - wb) + "'d0, wait_q} + " +
                           (sl ? "{1'b0, dlen} + 17'd1" : "17'd" + N(rows + 1)) +
                           " : (dstate_q == DDrain) ? {1'b0, idx_q} + 17'd1 : 17'd0";
  // The job in the index stage (zero-skip): K slices wait kSliceDrainWait, then rows/S shifts
  // (all slices at once) or rows (fp8).
  std::string s1_left = "17'd" + N(drain_cycles + 1);
  if (sl) {
    const std::string w0 = "17'd" + N(kSliceDrainWait + 2);
    s1_left = "(sl_q == 3'd0) ? " + s1_left + " : " +
              (fp8 ? "prec_q[1] ? 17'd" + N(kSliceDrainWait + rows + 2) + " : " : "") + w0 +
              " + (17'd" + N(rows) + " >> sl_q)";
  }
  s.Assign("drain_left", zs   ? "s1_handoff_q ? " + s1_left + " : " + left
                         : st ? "d1_handoff_q ? 17'd" + N(drain_cycles + 2) +
                                    " : d2_handoff_q ? 17'd" + N(drain_cycles + 1) + " : " + left
                              : left);
  s.Note(
      "A tile-ending command may feed from the next cycle when its last step comes after the "
      "drainer's last shift; any other command may always.");
  if (sl) {
    s.Note(
        "A K-slice command (its steps reach every PE at once) waits until the skewed steps of "
        "plain commands have left the array (skew_q).");
    s.Assign("sl_wait", "skew_q != " + N(CountBits(rows + cols)) + "'d0");
    s.Note(
        "With K slices the bound is the drainer, not the PEs: a tile fed from the next cycle "
        "hands its last step to the drainer K cycles later" +
        std::string(zs ? " plus one (the index stage)" : "") +
        ", which takes it when idle, so it may go when K + " + N(zs ? 2 : 1) +
        " > drain_left; its last step reaches the PEs later still, after the last shift.");
    const std::string rx = " + 17'd" + N(zs ? 2 : 1);
    s.Assign("go_start", std::string("(!drain_i || ({1'b0, ") + (zs ? "k_eff" : "k_i") + "}" + rx +
                             " > drain_left)) && !((slices_i != 3'd0) && sl_wait)");
    s.Assign("go_hold", "({1'b0, k_q}" + rx + " > drain_left) && !((sl_q != 3'd0) && sl_wait)");
  } else {
    s.Assign("go_start", zs ? "!drain_i || ({1'b0, k_eff} > drain_left)"
                            : "!drain_i || ({1'b0, k_i} > drain_left)");
    s.Assign("go_hold", "{1'b0, k_q} > drain_left");
  }
  if (zs) {
    AddZeroSkipDatapath(s, cfg);
    if (pk) AddScanPackLogic(s, cfg);
  } else if (st) {
    AddStructuredDatapath(s, cfg);
  } else {
    s.Assign("act_re_o", "feeding");
    s.Assign("wgt_re_o", "feeding");
    s.Assign("act_raddr_o", oc ? "oc_q ? oc_raddr : act_q" : "act_q");
    s.Assign("wgt_raddr_o", "wgt_q");
  }
  if (oc) AddOsConvLogic(s, cfg);
  s.Note("Scratchpad data arrive the cycle after the read: the step flags follow by one cycle.");
  s.Assign("gate_valid_o", "rvalid_q");
  s.Assign("gate_clear_o", "rclear_q");
  s.Assign("gate_last_o", "rlast_q");
  if (lowp) s.Assign("gate_prec_o", "rprec_q");
  if (sl) s.Assign("gate_slices_o", "rsl_q");
  if (fp8) s.Assign("gate_ld_o", "rld_q");
  s.Assign("zp_o", "zp_q");
  s.Assign("array_drain_o", "dstate_q == DDrain");
  AddAccumulatingDrain(s, cfg, built);
  s.Note(
      "Ranges in use, for the sequencer's hazard checks: the fed command's act and weight "
      "words and (with drain) acc rows, and the drainer's acc rows.");
  // Feeder busy; act and weight busy and length; acc0 busy.
  std::string feed_busy = "fstate_q != FIdle", act_busy = feed_busy, wgt_busy = feed_busy;
  std::string act_len = "{1'b0, k0_q}", wgt_len = sl ? "({1'b0, k0_q} << sl_q)" : act_len;
  // os im2col: the conv command's extent (zero-skip builds: in act_len_q).
  if (oc && !zs) act_len = "(oc_q ? {1'b0, " + Slice("oc_geo_q", "15", "0") + "} : {1'b0, k0_q})";
  std::string acc0_busy = "(fstate_q != FIdle) && drain_q";
  if (zs) {
    act_busy = "(fstate_q != FIdle) || s1_valid_q";
    act_len = "act_len_q";
    wgt_busy = "(fstate_q == FHold) || feeding || s1_valid_q";
    wgt_len = "wgt_len_q";
    acc0_busy = "(((fstate_q == FHold) || feeding) && drain_q) || s1_handoff_q";
  } else if (st) {
    s.Note(
        "A tile-ending command's hand-off is still in the delay stages for two cycles: no new "
        "command starts meanwhile, so acc_q (the drain address) stays until the drainer takes it.");
    feed_busy = "(fstate_q != FIdle) || d1_handoff_q || d2_handoff_q";
    act_len = "act_len_q";
    wgt_busy = "(fstate_q != FIdle) || d1_valid_q || d2_valid_q";
    acc0_busy = "((fstate_q != FIdle) && drain_q) || d1_handoff_q || d2_handoff_q";
  }
  s.Assign("feed_busy_o", feed_busy);
  AssignRange(s, "act", act_busy, "{1'b0, act_lo_q}", "{1'b0, act_lo_q} + " + act_len);
  AssignRange(s, "wgt", wgt_busy, "{1'b0, wgt_lo_q}", "{1'b0, wgt_lo_q} + " + wgt_len);
  s.Assign("acc0_busy_o", acc0_busy);
  // Acc words a tile drains: rows, or rows/2 for an int4w command (job).
  // K slices: rows/S, int4w (rows/S)/2.
  const std::string tile_words =
      i4 && sl ? "((17'd" + N(rows) + " >> sl_q) >> ((prec_q == 2'd1) ? 1 : 0))"
      : i4     ? "((prec_q == 2'd1) ? 17'd" + N(rows / 2) + " : 17'd" + N(rows) + ")"
      : sl     ? "(17'd" + N(rows) + " >> sl_q)"
               : "17'd" + N(rows);
  const std::string job_words = i4 && sl ? "((17'd" + N(rows) + " >> dsl_q) >> (dint4_q ? 1 : 0))"
                                : i4 ? "(dint4_q ? 17'd" + N(rows / 2) + " : 17'd" + N(rows) + ")"
                                : sl ? "(17'd" + N(rows) + " >> dsl_q)"
                                     : "17'd" + N(rows);
  if (zs) {
    s.Note("acc0: the pending hand-off's rows and the rows of the group's tiles still to feed.");
    s.Assign("acc0_lo_o", "{1'b0, s1_handoff_q ? s1_acc_q : acc_q}");
    const std::string spacing =
        pk ? "(xs_q ? 17'd" + N(rows / cfg.gemv_slices) + " : 17'd" + N(rows) + ")"
           : "17'd" + N(rows);
    s.Assign("acc0_hi_o", "{1'b0, acc_q} + {9'd0, tiles_q} * " + spacing + " + " + tile_words);
  } else if (oc) {
    s.Note("acc0: the current tile's rows and those of a conv command's tiles still to feed.");
    s.Assign("acc0_lo_o", "{1'b0, acc_q}");
    s.Assign("acc0_hi_o", "{1'b0, acc_q} + " + tile_words + " + (oc_q ? {9'd0, oc_tl_q} * 17'd" +
                              N(rows) + " : 17'd0)");
  } else {
    s.Assign("acc0_lo_o", "{1'b0, acc_q}");
    s.Assign("acc0_hi_o", "{1'b0, acc_q} + " + tile_words);
  }
  AssignRange(s, "acc1", "(dstate_q != DIdle) || wb_v_q", "{1'b0, dacc_q}",
              "{1'b0, dacc_q} + " + job_words);
  s.Assign("busy_o", std::string("(fstate_q != FIdle) || (dstate_q != DIdle) || wb_v_q") +
                         (zs   ? " || s1_valid_q"
                          : st ? " || d1_valid_q || d2_valid_q"
                               : ""));

  // Feeder and drainer registers.
  Block reset = {Set("fstate_q", "FIdle"),     Set("act_q", "16'd0"),
                 Set("wgt_q", "16'd0"),        Set("k_q", "16'd0"),
                 Set("first_q", "1'b0"),       Set("drain_q", "1'b0"),
                 Set("acc_q", "16'd0"),        Set("zp_q", "8'd0"),
                 Set("act_lo_q", "16'd0"),     Set("wgt_lo_q", "16'd0"),
                 Set("k0_q", "16'd0"),         Set("rvalid_q", "1'b0"),
                 Set("rclear_q", "1'b0"),      Set("rlast_q", "1'b0"),
                 Set("dstate_q", "DIdle"),     Set("dacc_q", "16'd0"),
                 Set("wait_q", N(wb) + "'d0"), Set("idx_q", "16'd0"),
                 Set("accum_q", "1'b0"),       Set("daccum_q", "1'b0"),
                 Set("wb_v_q", "1'b0"),        Set("wb_accum_q", "1'b0"),
                 Set("wb_addr_q", "16'd0"),    Set("wb_data_q", N(cols * 32) + "'d0")};
  Block start = {Set("act_q", "act_addr_i"),
                 Set("wgt_q", "wgt_addr_i"),
                 Set("k_q", "k_i"),
                 Set("first_q", "clear_i"),
                 Set("drain_q", "drain_i"),
                 Set("acc_q", "acc_addr_i"),
                 Set("zp_q", "zp_i"),
                 Set("act_lo_q", "act_addr_i"),
                 Set("wgt_lo_q", "wgt_addr_i"),
                 Set("k0_q", "k_i"),
                 Set("accum_q", "accum_i"),
                 Set("fstate_q", "go_start ? FFeed : FHold")};
  Block feed = {Set("act_q", "act_q + 16'd1"),
                Set("wgt_q", sl ? "wgt_q + (16'd1 << sl_q)" : "wgt_q + 16'd1"),
                Set("k_q", "k_q - 16'd1"), Set("first_q", "1'b0"),
                If("k_q == 16'd1", {Set("fstate_q", "FIdle")})};
  std::vector<CaseItem> fcases;
  Block pre = {Set("rvalid_q", "feeding"), Set("rclear_q", "feeding && first_q"),
               Set("rlast_q", "handoff")};
  std::string drain_go = "handoff";
  Block handoff = {Set("dacc_q", "acc_q"), Set("dstate_q", "DWait"),
                   Set("wait_q", N(wb) + "'d" + N(rows + cols + 1)), Set("daccum_q", "accum_q")};
  if (zs) {
    ZeroSkipFeeder(cfg, oc, &reset, &start, &feed, &pre, &handoff, &fcases);
    if (pk) {
      for (const Stmt& x : ScanPackReset(cfg)) reset.push_back(x);
      for (const Stmt& x : ScanPackPre(cfg)) pre.push_back(x);
    }
    drain_go = "s1_handoff_q";
  }
  if (st) {
    StructuredFeeder(&reset, &start, &feed, &pre, cfg);
    drain_go = "d2_handoff_q";
  }
  Block wstage = {Set("wb_v_q", "dstate_q == DDrain"), Set("wb_accum_q", "daccum_q"),
                  Set("wb_addr_q", "dacc_q + idx_q"), Set("wb_data_q", "drain_data_i")};
  if (i4) {
    wstage = {Set("wb_v_q", "(dstate_q == DDrain) && !(dint4_q && idx_q[0])"),
              Set("wb_accum_q", "daccum_q"), Set("wb_addr_q", "dacc_q + drow"),
              Set("wb_data_q", "dint4_q ? pair_sum : drain_data_i"), Set("hold_q", "drain_data_i")};
    reset.push_back(Set("dint4_q", "1'b0"));
    reset.push_back(Set("hold_q", N(cols * 32) + "'d0"));
    handoff.push_back(Set("dint4_q", "prec_q == 2'd1"));
  }
  if (sl) {
    const std::string sw = N(CountBits(rows + cols)) + "'d";
    wstage = {
        Set("wb_v_q", i4 ? "(dstate_q == DDrain) && !(dint4_q && idx_q[0])" : "dstate_q == DDrain"),
        Set("wb_accum_q", "daccum_q || (!dpar && (idx_q < (16'd" + N(rows) + " - (16'd" + N(rows) +
                              " >> dsl_q))))"),
        Set("wb_addr_q", "dacc_q + drow"),
        Set("wb_data_q", i4 ? "dint4_q ? pair_sum : dsum" : "dsum"),
        Set("fw_v_q", "wb_v_q"),
        Set("fw_addr_q", "wb_addr_q"),
        Set("fw_data_q", "acc_wdata_o"),
        Set("rsl_q", zs ? "s1_sl_q" : "sl_q"),
        If("feeding && (sl_q == 3'd0)", {Set("skew_q", sw + N(rows + cols))},
           {If("skew_q != " + sw + "0", {Set("skew_q", "skew_q - " + sw + "1")})})};
    if (i4) wstage.push_back(Set("hold_q", "dsum"));
    for (const auto& [r, v] :
         std::vector<std::pair<std::string, std::string>>{{"sl_q", "3'd0"},
                                                          {"rsl_q", "3'd0"},
                                                          {"dsl_q", "3'd0"},
                                                          {"skew_q", sw + "0"},
                                                          {"fw_v_q", "1'b0"},
                                                          {"fw_addr_q", "16'd0"},
                                                          {"fw_data_q", N(cols * 32) + "'d0"}}) {
      reset.push_back(Set(r, v));
    }
    handoff.push_back(Set("dsl_q", "sl_q"));
    // A K-slice job's last step reached every PE at once (no skew): its output registers are
    // loaded kSliceDrainWait cycles after the hand-off at the latest, not rows + cols + 1.
    handoff.push_back(Set("wait_q", "(sl_q != 3'd0) ? " + N(wb) + "'d" + N(kSliceDrainWait) +
                                        " : " + N(wb) + "'d" + N(rows + cols + 1)));
    if (fp8) {
      reset.push_back(Set("dfp_q", "1'b0"));
      reset.push_back(Set("wb_fp_q", "1'b0"));
      handoff.push_back(Set("dfp_q", "prec_q[1]"));
      wstage.push_back(Set("wb_fp_q", "dfp_q"));
    }
  }
  for (const Stmt& st_wb : wstage) pre.push_back(st_wb);
  if (oc) {
    for (const Stmt& x : OsConvReset(cfg)) reset.push_back(x);
    for (const Stmt& x : OsConvStart(cfg)) start.push_back(x);
    if (zs) start.push_back(If("scan_i", {Set("oc_q", "1'b0")}));
    feed.push_back(If("oc_q", OsConvStep(cfg)));
    for (const Stmt& x : OsConvNextTile(cfg)) feed.push_back(x);
    for (const Stmt& x : OsConvRead(cfg)) pre.push_back(x);
  }
  if (lowp) {
    reset.push_back(Set("prec_q", "2'd0"));
    reset.push_back(Set("rprec_q", "2'd0"));
    pre.push_back(Set("rprec_q", zs ? "s1_prec_q" : "prec_q"));
    if (zs) {
      reset.push_back(Set("s1_prec_q", "2'd0"));
      pre.push_back(Set("s1_prec_q", "prec_q"));
    }
  }
  if (fp8) {
    reset.push_back(Set("ld_q", "1'b0"));
    reset.push_back(Set("rld_q", "1'b0"));
    pre.push_back(Set("rld_q", zs ? "s1_ld_q" : "ld_q"));
    if (zs) {
      reset.push_back(Set("s1_ld_q", "1'b0"));
      reset.push_back(Set("scan_fp8_q", "1'b0"));
      pre.push_back(Set("s1_ld_q", "ld_q"));
    }
  }
  // A COMPUTE's (or SCAN's) datapath fields, taken when it starts.
  Block lowp_start;
  if (lowp) lowp_start.push_back(Set("prec_q", "prec_i"));
  if (fp8) lowp_start.push_back(Set("ld_q", "ld_i"));
  if (fp8 && zs) lowp_start.push_back(Set("scan_fp8_q", "scan_fp8_i"));
  if (sl) lowp_start.push_back(Set("sl_q", "slices_i"));
  fcases.insert(fcases.begin(), {{{"FIdle"}, {If("start_i", Cat({start, lowp_start}))}},
                                 {{"FHold"}, {If("go_hold", {Set("fstate_q", "FFeed")})}},
                                 {{"FFeed"}, feed}});
  Block body = pre;
  body.push_back(Case("fstate_q", fcases, {Set("fstate_q", "FIdle")}));
  body.push_back(Case(
      "dstate_q",
      {{{"DIdle"}, {If(drain_go, handoff)}},
       {{"DWait"},
        {If("wait_q == " + N(wb) + "'d0",
            {Set("dstate_q", "DDrain"), Set("idx_q", sl ? "dlen - 16'd1" : "16'd" + N(rows - 1))},
            {Set("wait_q", "wait_q - " + N(wb) + "'d1")})}},
       {{"DDrain"},
        {Set("idx_q", "idx_q - 16'd1"), If("idx_q == 16'd0", {Set("dstate_q", "DIdle")})}}},
      {Set("dstate_q", "DIdle")}));
  s.Seq(clk, rst, reset, body);
  return m;
}

}  // namespace salsa::blocks

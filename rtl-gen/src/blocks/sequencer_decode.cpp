// salsa_sequencer, decode: the command words, every field from the contract's command table, the
// scratchpad ranges a command touches and its field and range checks (dec_err).
#include "blocks/blocks.h"
#include "blocks/sequencer_parts.h"

namespace salsa::blocks {

using namespace ir;

namespace {

namespace k = contract;

// precision beyond int8: the COMPUTE field checks of prec and bias_load (" || ..." terms, empty in
// int8-only builds): a datapath that is not built, accumulate in an fp8 COMPUTE (the acc add is
// int32), a bias load that is not an fp8 COMPUTE of k = 4 without drain (and not indexed).
std::string LowpBadFields(const SeqConfig& c) {
  const Config& cfg = c.cfg;
  if (!cfg.LowPrecision()) return "";
  const std::string prec = ComputeF("prec");
  std::string bad;
  const auto add = [&bad](const std::string& term) { bad += (bad.empty() ? "" : " || ") + term; };
  if (!cfg.Has(Precision::kInt4w)) add("(" + prec + " == 2'd" + N(k::kPrecInt4w) + ")");
  if (!cfg.Has(Precision::kFp8E4M3)) add("(" + prec + " == 2'd" + N(k::kPrecFp8E4M3) + ")");
  if (!cfg.Has(Precision::kFp8E5M2)) add("(" + prec + " == 2'd" + N(k::kPrecFp8E5M2) + ")");
  if (cfg.HasFp8()) {
    const std::string fp = FldBits(k::kOpCompute, "prec", 1, 1);
    add("(" + fp + " && " + ComputeF("accumulate") + ")");
    add("(" + ComputeF("bias_load") + " && (!" + fp + " || " + ComputeF("k") + " != 16'd4 || " +
        ComputeF("drain") + (c.zs ? " || " + ComputeF("indexed") : std::string()) + "))");
  }
  return " || (" + OpIs(k::kOpCompute) + " && (" + bad + "))";
}

// K-slice builds: the COMPUTE field checks of slices (" || ..." term, empty elsewhere): more
// slices than array.gemv_slices, a weight address that is not a multiple of S, or (int4w) an
// int4w COMPUTE whose slices have an odd number of rows.
std::string SliceBadFields(const SeqConfig& c) {
  const unsigned smax = c.cfg.gemv_slices;
  if (smax <= 1) return "";
  unsigned lmax = 0;
  while ((1u << lmax) < smax) ++lmax;
  const std::string l = ComputeF("slices");
  // int4w pairs rows 2j, 2j+1 of a slice: a slice of an odd number of rows G is a bad field.
  std::string odd;
  if (c.cfg.Has(Precision::kInt4w)) {
    for (unsigned e = 1; e <= lmax; ++e) {
      if (((c.cfg.rows >> e) & 1u) != 0) odd += " || (" + l + " == 3'd" + N(e) + ")";
    }
    if (!odd.empty()) {
      odd = " || ((" + ComputeF("prec") + " == 2'd" + N(k::kPrecInt4w) + ") && (1'b0" + odd + "))";
    }
  }
  return " || (" + OpIs(k::kOpCompute) + " && ((" + l + " > 3'd" + N(lmax) + ") || ((" +
         ComputeF("weight_addr") + " & ((16'd1 << " + l + ") - 16'd1)) != 16'd0)" + odd + "))";
}

// Zero-skip + K-slice builds: an indexed COMPUTE with slices must take S = gemv_slices, from an
// entry j0 that is a multiple of S, on the int8 or int4w datapath (not FP8, whose PEs keep a
// tile's sum over its whole K) (" || ..." term, empty elsewhere).
std::string IndexedSliceBadFields(const SeqConfig& c) {
  const unsigned smax = c.cfg.gemv_slices;
  if (smax <= 1 || !c.zs) return "";
  unsigned lmax = 0;
  while ((1u << lmax) < smax) ++lmax;
  const std::string l = ComputeF("slices");
  return " || (" + OpIs(k::kOpCompute) + " && " + ComputeF("indexed") + " && (" + l +
         " != 3'd0) && ((" + l + " != 3'd" + N(lmax) + ") || (" +
         FldBits(k::kOpCompute, "j0", lmax - 1, 0) + " != " + N(lmax) + "'d0)" +
         (c.cfg.HasFp8() ? " || " + FldBits(k::kOpCompute, "prec", 1, 1) : std::string()) + "))";
}

// ws builds: the im2col COMPUTE's field checks (" || ..." term, empty elsewhere): a zero
// output width, kernel width, channel blocks, stride, dilation or span.
//
// os im2col builds (Config::OsConv): no channels, taps or extent; a byte offset or step of rows
// or more; xmask with an image narrower than the array's rows, x0 past it or a word step between
// tap columns; a datapath besides int8; K slices; indexed.
std::string OsConvBadFields(const SeqConfig& c) {
  const Config& cfg = c.cfg;
  std::string bad;
  const auto add = [&bad](const std::string& term) { bad += (bad.empty() ? "" : " || ") + term; };
  for (const char* f : {"chans", "taps_x", "extent"}) {
    add(ComputeF(f) + " == " + N(k::CmdFieldOf(k::kOpCompute, f).width) + "'d0");
  }
  for (const char* f : {"off_b", "tx_b", "ty_b"}) {
    add("{1'b0, " + ComputeF(f) + "} >= 7'd" + N(cfg.rows));
  }
  add("(" + ComputeF("xmask") + " && ((" + ComputeF("xw") + " < 8'd" + N(cfg.rows) + ") || (" +
      ComputeF("x0") + " >= " + ComputeF("xw") + ") || (" + ComputeF("tx_w") + " != 4'd0)))");
  if (cfg.LowPrecision()) add("(" + ComputeF("prec") + " != 2'd0)");
  if (cfg.gemv_slices > 1) add("(" + ComputeF("slices") + " != 3'd0)");
  if (cfg.zero_skip) add(ComputeF("indexed"));
  return " || (" + OpIs(k::kOpCompute) + " && " + ComputeF("conv") + " && (" + bad + "))";
}

std::string ConvBadFields(const SeqConfig& c) {
  if (c.cfg.OsConv()) return OsConvBadFields(c);
  if (!c.ws) return "";
  std::string zero;
  for (const char* f : {"ow", "kw", "nc", "sy", "sx", "dy", "dx", "span"}) {
    const k::CmdField& fd = k::CmdFieldOf(k::kOpCompute, f);
    zero += (zero.empty() ? "" : " || ") + ComputeF(f) + " == " + N(fd.width) + "'d0";
  }
  return " || (" + OpIs(k::kOpCompute) + " && " + ComputeF("conv") + " && (" + zero + "))";
}

// A COMPUTE's act and weight ranges and its flag checks (bad_flags), per build.
void AddComputeRanges(Scope& s, const SeqConfig& c) {
  const Config& cfg = c.cfg;
  const std::string act = Fld17(k::kOpCompute, "act_addr"), k16 = ComputeF("k"),
                    k17 = Fld17(k::kOpCompute, "k"), wgt17 = Fld17(k::kOpCompute, "weight_addr");
  const std::string indexed = ComputeF("indexed"), group = ComputeF("group"),
                    stride = ComputeF("stride"), structured = ComputeF("structured"),
                    accumulate = ComputeF("accumulate");
  // os: K act and weight words, drain to rows acc words (when it drains); ws: M act words, rows
  // weight words, M acc words written (always).
  if (c.zs) {
    s.Note(
        "Zero-skip: an indexed COMPUTE (" + indexed +
        ") reads the last SCAN's act words and weight words wb + e*S for e < K; a gather LOAD (" +
        LoadF("gather") +
        ") moves min(rows, nnz - j0) rows. While a SCAN runs, a gather whose "
        "entries are all listed already (j0 + rows <= listed) moves its rows without waiting for "
        "the SCAN's end.");
    s.Assign("cmp_act_lo", indexed + " ? sc_lo_q : " + act);
    if (cfg.OsConv()) {
      s.Note("im2col (" + ComputeF("conv") + "): the act words [act_addr, act_addr + " +
             ComputeF("extent") + ").");
      s.Assign("cmp_act_end", indexed + " ? sc_hi_q : " + ComputeF("conv") + " ? " + act + " + " +
                                  Fld17(k::kOpCompute, "extent") + " : " + act + " + " + k17);
    } else {
      s.Assign("cmp_act_end", indexed + " ? sc_hi_q : " + act + " + " + k17);
    }
    const std::string plain = group + " ? {9'd0, " + k16 + "} * {17'd0, " + stride +
                              "} : ({9'd0, " + k16 + "} - 25'd1) * {17'd0, " + stride + "} + 25'd1";
    if (cfg.gemv_slices > 1) {
      const unsigned w = cfg.gemv_slices;
      s.Note("K slices: a plain COMPUTE reads S*K weight words; an indexed one with slices (S = " +
             N(w) + ") steps ceil(K/S) rows of S words, stride*S apart (c_xw = ceil(K/S)*S).");
      s.Assign("c_xw", "({1'b0, " + k16 + "} + 17'd" + N(w - 1) + ") & ~17'd" + N(w - 1));
      s.Note("A SCAN with slices (S = 2^" + ScanF("slices") +
             ") also writes ceil(K/S) packed act words after its K.");
      s.Assign("sc_pk", "(" + ScanF("slices") + " == 3'd0) ? 17'd0 : (" + Fld17(k::kOpScan, "k") +
                            " + ((17'd1 << " + ScanF("slices") + ") - 17'd1)) >> " +
                            ScanF("slices"));
      s.Assign("cmp_wgt_span", "!" + indexed + " ? ({9'd0, " + k16 + "} << " + ComputeF("slices") +
                                   ") : (" + ComputeF("slices") + " != 3'd0) ? (" + group +
                                   " ? {8'd0, c_xw} * {17'd0, " + stride +
                                   "} : {8'd0, c_xw - 17'd" + N(w) + "} * {17'd0, " + stride +
                                   "} + 25'd" + N(w) + ") : " + plain);
    } else {
      s.Assign("cmp_wgt_span", "!" + indexed + " ? {9'd0, " + k16 + "} : " + plain);
    }
    s.Assign("cmp_wgt_end_w", "{10'd0, " + ComputeF("weight_addr") + "} + {1'b0, cmp_wgt_span}");
    s.Assign("cmp_wgt_end", "cmp_wgt_end_w[16:0]");
    s.Assign("gather", LoadF("gather"));
    s.Assign("g_avail", "cmp_nnz_i - " + LoadF("j0"));
    s.Assign("g_listed", "({1'b0, " + LoadF("j0") + "} + {1'b0, " + LoadF("rows") +
                             "}) <= {1'b0, cmp_listed_i}");
    s.Assign("g_rows", "cmp_scanning_i ? " + LoadF("rows") + " : (" + LoadF("j0") +
                           " >= cmp_nnz_i) ? 16'd0 : (" + LoadF("rows") + " < g_avail) ? " +
                           LoadF("rows") + " : g_avail");
    // A LOAD with the accumulate flag, or a gather LOAD of another target or with a stride that
    // is not a whole number of beats; a COMPUTE with the 2:4 flag, indexed with stride 0, or a
    // group that is not an indexed drain.
    const unsigned lb = c.lb;
    // K-slice builds: a sliced gather (w0[13]) needs a bus of whole weight words, sp a multiple
    // of the ways and words per row a multiple of the words a LOAD writes per cycle.
    std::string sliced;
    if (cfg.gemv_slices > 1) {
      const unsigned w = cfg.gemv_slices, ww = WgtWriteWords(cfg);
      sliced = SlicedGather(cfg)
                   ? " || (" + LoadF("sliced") + " && ((" + LoadF("sp_addr") + " & 16'd" +
                         N(w - 1) + ") != 16'd0 || (" + LoadF("words_per_row") + " & 16'd" +
                         N(ww - 1) + ") != 16'd0))"
                   : " || " + LoadF("sliced");
    }
    s.Assign("bad_flags", OpIs(k::kOpLoad) + " ? (" + accumulate + " || (" + LoadF("gather") +
                              " && (target != 2'd" + N(k::kTargetWeight) + " || " +
                              FldBits(k::kOpLoad, "stride", lb ? lb - 1 : 0, 0) +
                              " != " + N(lb ? lb : 1) + "'d0" + sliced + "))) : (" + structured +
                              " || (" + indexed + " && " + stride + " == 8'd0) || (" + group +
                              " && !(" + indexed + " && " + ComputeF("drain") + ")))" +
                              LowpBadFields(c) + SliceBadFields(c) + IndexedSliceBadFields(c));
  } else if (c.st) {
    s.Note("2:4: a 2:4 COMPUTE (" + structured +
           ") reads K weight and meta words and 2K act words from an even act address, K even; "
           "LOAD target 3 fills the meta scratchpad.");
    s.Assign("cmp_act_end_w", structured + " ? {2'b0, " + ComputeF("act_addr") + "} + {1'b0, " +
                                  k16 + ", 1'b0} : {2'b0, " + ComputeF("act_addr") + "} + {2'b0, " +
                                  k16 + "}");
    s.Assign("cmp_act_end", "cmp_act_end_w[16:0]");
    s.Assign("cmp_wgt_end", wgt17 + " + " + k17);
    s.Assign("bad_flags", indexed + " || (" + OpIs(k::kOpCompute) + " ? (" + group + " || (" +
                              structured + " && (" + FldBits(k::kOpCompute, "k", 0, 0) + " || " +
                              FldBits(k::kOpCompute, "act_addr", 0, 0) + "))) : " + accumulate +
                              ")" + LowpBadFields(c));
  } else {
    if (c.ws) {
      s.Note("ws: a COMPUTE covers B = " + ComputeF("blocks") +
             " K blocks (0 reads as 1): B*M act words and B*rows weight words; an end past 17 "
             "bits saturates (a range error).");
      s.Wire("ws_blocks", "16");
      s.Wire("ws_act_end_w", "33");
      s.Wire("ws_wgt_end_w", "33");
      s.Assign("ws_blocks",
               "(" + ComputeF("blocks") + " == 16'd0) ? 16'd1 : " + ComputeF("blocks"));
      s.Assign("ws_act_end_w", "{17'd0, " + ComputeF("act_addr") + "} + {1'b0, {16'd0, " + k16 +
                                   "} * {16'd0, ws_blocks}}");
      s.Assign("ws_wgt_end_w", "{17'd0, " + ComputeF("weight_addr") +
                                   "} + {1'b0, {16'd0, ws_blocks} * 32'd" + N(cfg.rows) + "}");
      s.Note("im2col (" + ComputeF("conv") + "): the act words [act_addr, act_addr + " +
             ComputeF("span") + ") instead.");
      s.Assign("cmp_act_end", ComputeF("conv") + " ? " + act + " + " +
                                  Fld17(k::kOpCompute, "span") +
                                  " : (|ws_act_end_w[32:17]) ? 17'h1ffff : ws_act_end_w[16:0]");
      s.Assign("cmp_wgt_end", "(|ws_wgt_end_w[32:17]) ? 17'h1ffff : ws_wgt_end_w[16:0]");
      s.Assign("cmp_act_end_o", "cmp_act_end");
      s.Assign("cmp_wgt_end_o", "cmp_wgt_end");
    } else if (cfg.gemv_slices > 1) {
      s.Note("K slices (" + ComputeF("slices") +
             " = log2 S): K act words, S*K weight words; "
             "im2col (" +
             ComputeF("conv") + "): the act words [act_addr, act_addr + " + ComputeF("extent") +
             ").");
      s.Assign("cmp_act_end", ComputeF("conv") + " ? " + act + " + " +
                                  Fld17(k::kOpCompute, "extent") + " : " + act + " + " + k17);
      s.Assign("cmp_wgt_end_w",
               "{7'd0, " + wgt17 + "} + ({8'd0, " + k16 + "} << " + ComputeF("slices") + ")");
      s.Assign("cmp_wgt_end", "(|cmp_wgt_end_w[23:17]) ? 17'h1ffff : cmp_wgt_end_w[16:0]");
    } else if (cfg.OsConv()) {
      s.Note("im2col (" + ComputeF("conv") + "): the act words [act_addr, act_addr + " +
             ComputeF("extent") + ").");
      s.Assign("cmp_act_end", ComputeF("conv") + " ? " + act + " + " +
                                  Fld17(k::kOpCompute, "extent") + " : " + act + " + " + k17);
      s.Assign("cmp_wgt_end", wgt17 + " + " + k17);
    } else {
      s.Assign("cmp_act_end", act + " + " + k17);
      s.Assign("cmp_wgt_end", wgt17 + " + " + k17);
    }
    s.Note("The zero-skip flag " + indexed + " and the 2:4 flag " + structured +
           " (COMPUTE) are field errors without sparsity.zero_skip or sparsity.structured; "
           "accumulate (" +
           accumulate + ") is one " + (c.ws ? "too: a ws drain always adds." : "on a LOAD."));
    const std::string cmp_flags = "(" + structured + " || " + group + ")";
    s.Assign("bad_flags",
             indexed + " || " +
                 (c.ws ? accumulate + " || (" + OpIs(k::kOpCompute) + " && " + cmp_flags + ")"
                       : "(" + OpIs(k::kOpCompute) + " ? " + cmp_flags + " : " + accumulate + ")") +
                 LowpBadFields(c) + SliceBadFields(c) + ConvBadFields(c));
  }
  const std::string acc = Fld17(k::kOpCompute, "acc_addr");
  std::string acc_end;
  if (c.zs && cfg.gemv_slices > 1) {
    s.Note(
        "Zero-skip with K slices: a tile drains (rows >> slices) words (int4w half that), a "
        "group's tile t at acc + t*(rows >> slices) (slices != 0 only on int8 indexed groups).");
    const std::string i4 = cfg.Has(Precision::kInt4w) ? "((" + ComputeF("prec") + " == 2'd" +
                                                            N(k::kPrecInt4w) + ") ? 1 : 0)"
                                                      : "0";
    const std::string g = "(17'd" + N(cfg.rows) + " >> " + ComputeF("slices") + ")";
    acc_end = acc + " + (" + group + " ? ({9'd0, " + stride + "} - 17'd1) * " + g +
              " : 17'd0) + (" + g + " >> " + i4 + ")";
  } else if (cfg.Has(Precision::kInt4w)) {
    s.Note("int4w (" + ComputeF("prec") + " == 1): a tile drains rows/2 acc words.");
    const std::string i4 = "(" + ComputeF("prec") + " == 2'd" + N(k::kPrecInt4w) + ")",
                      half = N(cfg.rows / 2);
    acc_end = (c.zs ? acc + " + (" + group + " ? {9'd0, " + stride + "} * 17'd" + N(cfg.rows) +
                          " : 17'd" + N(cfg.rows) + ") - (" + i4 + " ? 17'd" + half + " : 17'd0)"
               : cfg.gemv_slices > 1
                   ? acc + " + ((17'd" + N(cfg.rows) + " >> " + ComputeF("slices") + ") >> (" + i4 +
                         " ? 1 : 0))"
                   : acc + " + (" + i4 + " ? 17'd" + half + " : 17'd" + N(cfg.rows) + ")");
  } else if (cfg.gemv_slices > 1) {
    acc_end = acc + " + (17'd" + N(cfg.rows) + " >> " + ComputeF("slices") + ")";
  } else {
    acc_end = (c.ws   ? acc + " + " + k17
               : c.zs ? acc + " + (" + group + " ? {9'd0, " + stride + "} * 17'd" + N(cfg.rows) +
                            " : 17'd" + N(cfg.rows) + ")"
                      : acc + " + 17'd" + N(cfg.rows));
  }
  if (cfg.OsConv()) {
    const std::string t = ComputeF("tiles");
    s.Note("os im2col: a conv COMPUTE of T tiles (" + t + ", 0 reads as 1) drains T*rows words.");
    acc_end = ComputeF("conv") + " ? " + acc + " + ((" + t + " == 8'd0) ? 17'd" + N(cfg.rows) +
              " : {9'd0, " + t + "} * 17'd" + N(cfg.rows) + ") : (" + acc_end + ")";
  }
  s.Assign("cmp_acc_end", acc_end);
  s.Assign("cmp_writes_acc", c.ws ? "1'b1" : ComputeF("drain"));
}

}  // namespace

void AddDecodeDecls(Scope& s, const SeqConfig& c) {
  for (unsigned w = 0; w < 8; ++w) {
    s.Wire("w" + N(w), "32");
    s.Assign("w" + N(w), Slice("cmd_q", N(32 * w + 31), N(32 * w)));
  }
  s.Wire("opcode", N(k::kCmdOpcode.width));
  s.Wire("target", "2");
  s.Wire("dram_addr", "64");
  s.Wire("load_words", "32");
  s.Wire("load_limit", "17");
  s.Wire("load_wbytes", "9");
  s.Wire("load_end", "33");
  s.Wire("row_bytes", "24");
  s.Wire("addr_ok");
  s.Wire("cmp_act_end", "17");
  s.Wire("cmp_wgt_end", "17");
  s.Wire("bad_flags");
  if (c.st) s.Wire("cmp_act_end_w", "18");  // a 2:4 COMPUTE reads 2K act words
  if (c.cfg.gemv_slices > 1 && !c.zs) s.Wire("cmp_wgt_end_w", "24");  // S*K weight words
  if (c.zs) {
    // Zero-skip: the last SCAN's act range (what indexed COMPUTEs read), a gather LOAD's rows
    // after clamping to the index list, and an indexed COMPUTE's weight span.
    s.Reg("sc_lo_q", "17");
    s.Reg("sc_hi_q", "17");
    s.Wire("gather");
    s.Wire("g_avail", "16");
    s.Wire("g_rows", "16");
    s.Wire("g_listed");  // while a SCAN runs: the gather's entries are all written
    s.Wire("c_avail", "16");
    s.Wire("c_keff", "16");
    s.Wire("c_empty");
    s.Wire("l_empty");
    s.Wire("cmp_act_lo", "17");
    s.Wire("cmp_wgt_span", "25");
    s.Wire("cmp_wgt_end_w", "26");
    if (c.cfg.gemv_slices > 1) {
      s.Wire("c_xw", "17");
      s.Wire("sc_pk", "17");  // a SCAN's packed act words
    }
    if (SlicedGather(c.cfg)) {
      s.Wire("g_rows_r", "17");  // a sliced gather's entries, rounded up
      s.Wire("ld_rows", "17");   // the rows a LOAD's range counts
    }
  }
  s.Wire("cmp_acc_end", "17");
  s.Wire("cmp_writes_acc");
  s.Wire("st_acc_end", "17");
  s.Wire("st_q_end", "17");
  s.Wire("shift_s", "8", true);
  s.Wire("min_s", "8", true);
  s.Wire("max_s", "8", true);
  s.Reg("dec_err", "4");
  s.Wire("st_par_lo", "17");
  s.Wire("st_par_hi", "17");
  s.Wire("st_bias_lo", "17");
  if (c.cfg.HasFp8()) {
    s.Wire("st_fp");  // an FP STORE (out_fmt != 0)
    s.Wire("st_fmt_bad");
  }
  s.Wire("ld_lo", "17");
  s.Wire("ld_hi", "33");
}

void AddDecode(Scope& s, const SeqConfig& c) {
  const Config& cfg = c.cfg;
  const bool st = c.st;
  const unsigned aw = c.aw;
  s.Assign("opcode", k::CmdSlice(k::kCmdOpcode));
  s.Assign("target", LoadF("target"));
  s.Assign("dram_addr", LoadF("dram_addr"));  // the STORE's dram_addr has the same bits
  s.Assign("addr_ok", aw == 64 ? "1'b1" : "dram_addr[63:" + N(aw) + "] == " + N(64 - aw) + "'d0");
  s.Note("LOAD: words x rows words of the target's width; its bytes per row; the end address.");
  if (SlicedGather(cfg)) {
    const unsigned w = cfg.gemv_slices;
    s.Note("A sliced gather's range: ceil(rows/W) rows of words_per_row*W words (W = " + N(w) +
           ").");
    s.Assign("g_rows_r",
             "({1'b0, " + LoadF("rows") + "} + 17'd" + N(w - 1) + ") & ~17'd" + N(w - 1));
    s.Assign("ld_rows", "(" + LoadF("gather") + " && " + LoadF("sliced") +
                            ") ? g_rows_r : {1'b0, " + LoadF("rows") + "}");
    s.Assign("load_words", "{16'd0, " + LoadF("words_per_row") + "} * {15'd0, ld_rows}");
  } else {
    s.Assign("load_words", LoadF("words_per_row") + " * " + LoadF("rows"));
  }
  s.Assign("load_limit", "(target == 2'd0) ? 17'd" + N(cfg.act.Words()) +
                             " : (target == 2'd1) ? 17'd" + N(cfg.weight.Words()) +
                             (st ? " : (target == 2'd3) ? 17'd" + N(cfg.weight.Words() / 4) : "") +
                             " : 17'd" + N(cfg.acc.Words()));
  s.Assign("load_wbytes", "(target == 2'd0) ? 9'd" + N(cfg.rows) + " : (target == 2'd1) ? 9'd" +
                              N(cfg.cols) + (st ? " : (target == 2'd3) ? 9'd" + N(cfg.cols) : "") +
                              " : 9'd" + N(4 * cfg.cols));
  s.Assign("load_end", "{17'd0, " + LoadF("sp_addr") + "} + {1'b0, load_words}");
  s.Assign("row_bytes", "{8'd0, " + LoadF("words_per_row") + "} * {15'd0, load_wbytes}");
  AddComputeRanges(s, c);
  const std::string mult17 = Fld17(k::kOpStore, "mult_addr"), perch = StoreF("per_channel");
  s.Assign("st_acc_end", Fld17(k::kOpStore, "acc_addr") + " + " + Fld17(k::kOpStore, "rows"));
  s.Assign("st_q_end", mult17 + " + 17'd2");
  s.Note("A STORE's acc footprint: its rows [" + StoreF("acc_addr") +
         ", st_acc_end) and its parameter words [st_par_lo, st_par_hi) (the bias word and, per "
         "channel, the two quant words).");
  s.Assign("st_bias_lo", Fld17(k::kOpStore, "bias_addr"));
  const std::string par_lo =
      "(" + perch + " && " + mult17 + " < st_bias_lo) ? " + mult17 + " : st_bias_lo";
  const std::string par_hi =
      "(" + perch + " && st_q_end > st_bias_lo + 17'd1) ? st_q_end : (st_bias_lo + 17'd1)";
  const bool fp8 = cfg.HasFp8();
  if (fp8) {
    const std::string fmt = StoreF("out_fmt"), rb = StoreF("row_bytes");
    s.Note("An FP STORE (" + fmt +
           " != 0) reads no parameter words: its footprint is [0, 0), which meets no range; its "
           "format must be 1..4, not per channel, and its row bytes a multiple of the element "
           "size e (4 fp32, 2 bf16, 1 fp8) up to cols * e.");
    s.Assign("st_fp", fmt + " != 3'd0");
    s.Assign("st_par_lo", "st_fp ? 17'd0 : " + par_lo);
    s.Assign("st_par_hi", "st_fp ? 17'd0 : " + par_hi);
    s.Assign("st_fmt_bad", fmt + " > 3'd" + N(k::kOutFp8E5M2) + " || (st_fp && " + perch +
                               ") || ((" + fmt + " == 3'd" + N(k::kOutFp32) + ") ? (" + rb +
                               " > 16'd" + N(4 * cfg.cols) + " || " +
                               FldBits(k::kOpStore, "row_bytes", 1, 0) + " != 2'd0) : (" + fmt +
                               " == 3'd" + N(k::kOutBf16) + ") ? (" + rb + " > 16'd" +
                               N(2 * cfg.cols) + " || " + FldBits(k::kOpStore, "row_bytes", 0, 0) +
                               ") : " + rb + " > 16'd" + N(cfg.cols) + ")");
  } else {
    s.Assign("st_par_lo", par_lo);
    s.Assign("st_par_hi", par_hi);
  }
  if (st) {
    s.Note("A meta LOAD's range in weight words (a meta word holds four weight words' positions).");
    s.Assign("ld_lo", "(target == 2'd3) ? {" + FldBits(k::kOpLoad, "sp_addr", 14, 0) +
                          ", 2'b00} : " + Fld17(k::kOpLoad, "sp_addr"));
    s.Assign("ld_hi", "(target == 2'd3) ? {load_end[30:0], 2'b00} : load_end");
  } else {
    s.Assign("ld_lo", Fld17(k::kOpLoad, "sp_addr"));
    s.Assign("ld_hi", "load_end");
  }
  s.Assign("shift_s", StoreF("shift"));
  s.Assign("min_s", StoreF("act_min"));
  s.Assign("max_s", StoreF("act_max"));

  const std::string e_op = "4'd" + N(k::ErrCodeOf("bad_opcode")),
                    e_rng = "4'd" + N(k::ErrCodeOf("scratchpad_range")),
                    e_fld = "4'd" + N(k::ErrCodeOf("bad_field")), e_ok = "4'd0";
  const std::string q = N(cfg.acc.Words());
  std::vector<CaseItem> decode = {
      {{OpLabel(k::kOpLoad)},
       {If(std::string(st ? "" : "target == 2'd3 || ") + LoadF("words_per_row") + " == 16'd0 || " +
               LoadF("rows") + " == 16'd0 || !addr_ok || bad_flags",
           {Set("dec_err", e_fld)},
           {If("load_end > {16'd0, load_limit}", {Set("dec_err", e_rng)})})}},
      {{OpLabel(k::kOpCompute)},
       {If(ComputeF("k") + " == 16'd0 || bad_flags", {Set("dec_err", e_fld)},
           {If((st ? "cmp_act_end_w > 18'd" : "cmp_act_end > 17'd") + N(cfg.act.Words()) + " || " +
                   (c.zs ? "cmp_wgt_end_w > 26'd" : "cmp_wgt_end > 17'd") + N(cfg.weight.Words()) +
                   " || (cmp_writes_acc && cmp_acc_end > 17'd" + q + ")",
               {Set("dec_err", e_rng)})})}},
      {{OpLabel(k::kOpStore)},
       {If(fp8 ? StoreF("rows") + " == 16'd0 || " + StoreF("row_bytes") +
                     " == 16'd0 || st_fmt_bad || (!st_fp && (shift_s < -8'sd31 || shift_s > "
                     "8'sd30 || min_s > max_s)) || !addr_ok"
               : StoreF("rows") + " == 16'd0 || " + StoreF("row_bytes") + " == 16'd0 || " +
                     StoreF("row_bytes") + " > 16'd" + N(cfg.cols) +
                     " || shift_s < -8'sd31 || shift_s > 8'sd30 || min_s > max_s || !addr_ok",
           {Set("dec_err", e_fld)},
           {If("st_acc_end > 17'd" + q + " || " + (fp8 ? "(!st_fp && " : "") + StoreF("bias_addr") +
                   " >= 16'd" + q + (fp8 ? ")" : "") + " || (" + perch + " && st_q_end > 17'd" + q +
                   ")",
               {Set("dec_err", e_rng)})})}},
      {{OpLabel(k::kOpSync)}, {}}};
  if (c.zs) {
    const bool sl = cfg.gemv_slices > 1;
    std::string bad_sl, pk;
    if (sl) {
      unsigned lmax = 0;
      while ((1u << lmax) < cfg.gemv_slices) ++lmax;
      bad_sl = " || " + ScanF("slices") + " > 3'd" + N(lmax);
      pk = " + sc_pk";
    }
    decode.push_back({{OpLabel(k::kOpScan)},
                      {If(ScanF("k") + " == 16'd0 || " + ScanF("lanes") + " == 8'd0 || " +
                              ScanF("lanes") + " > 8'd" + N(cfg.rows) + bad_sl,
                          {Set("dec_err", e_fld)},
                          {If(Fld17(k::kOpScan, "act_addr") + " + " + Fld17(k::kOpScan, "k") + pk +
                                  " > 17'd" + N(cfg.act.Words()),
                              {Set("dec_err", e_rng)})})}});
  }
  s.Comb({Set("dec_err", e_ok), Case("opcode", decode, {Set("dec_err", e_op)})});
}

// Command bits some builds never read (for lint): w0's flag bits from the 2:4 flag up to the
// STORE's mult_addr, without zero-skip the COMPUTE's stride and j0 (blocks in ws) bits, the row
// bytes above what cols needs, and the command base's bits above the AXI address.
void AddUnusedCmd(Scope& s, const SeqConfig& c) {
  const unsigned f_lo = k::CmdFieldOf(k::kOpCompute, "structured").lsb,
                 f_hi = k::CmdFieldOf(k::kOpStore, "mult_addr").lsb - 1;
  const std::string flags = Slice("w" + N(k::kCmdOpcode.word), N(f_hi), N(f_lo));
  s.Wire("unused_cmd");
  s.Assign("unused_cmd",
           "^{" + flags + ", " +
               (c.zs ? std::string()
                     : ComputeF("stride") + ", " + ComputeF(c.ws ? "blocks" : "j0") + ", ") +
               (c.cb < 16 ? FldBits(k::kOpStore, "row_bytes", 15, c.cb) + ", " : std::string()) +
               (c.aw < 64 ? "cmd_base_i[63:" + N(c.aw) + "]" : std::string("1'b0")) + "}");
}

}  // namespace salsa::blocks

// salsa_sequencer, issue: what the running units touch, the load table of LOADs in flight and the
// hazard checks that hold a command in StIssue; late errors of LOADs and STOREs.
#include "blocks/blocks.h"
#include "blocks/sequencer_parts.h"

namespace salsa::blocks {

using namespace ir;

namespace {

namespace k = contract;

// [a_lo, a_hi) and [b_lo, b_hi) intersect (17-bit word addresses).
std::string Overlap17(const std::string& a_lo, const std::string& a_hi, const std::string& b_lo,
                      const std::string& b_hi) {
  return "((" + a_lo + " < " + b_hi + ") && (" + b_lo + " < " + a_hi + "))";
}

// The LOAD's scratchpad range [ld_lo, ld_hi) (ld_hi 33 bits wide) meets [b_lo, b_hi).
std::string LdOverlap(const std::string& b_lo, const std::string& b_hi) {
  return "((ld_lo < " + b_hi + ") && ({16'd0, " + b_lo + "} < ld_hi))";
}

// The acc rows a COMPUTE will drain or is draining meet [lo, hi) (the LOAD's range with `load`).
std::string AccBusy(const std::string& lo, const std::string& hi, bool load) {
  auto ov = [&](const std::string& a, const std::string& b) {
    return load ? LdOverlap(a, b) : Overlap17(lo, hi, a, b);
  };
  return "(cmp_acc0_busy_i && " + ov("cmp_acc0_lo_i", "cmp_acc0_hi_i") +
         ") || (cmp_acc1_busy_i && " + ov("cmp_acc1_lo_i", "cmp_acc1_hi_i") + ")";
}

// A load-table entry of target `tgt` meets [lo, hi).
std::string LtHit(const SeqConfig& c, unsigned tgt, const std::string& lo, const std::string& hi) {
  std::string e;
  for (unsigned i = 0; i < kSeqLoadTable; ++i) {
    e += std::string(i ? " || " : "") + "((lt_n_q > " + c.L + N(i) + ") && (lt_tgt" + N(i) +
         "_q == 2'd" + N(tgt) + ") && " +
         Overlap17(lo, hi, "lt_lo" + N(i) + "_q", "lt_hi" + N(i) + "_q") + ")";
  }
  return "(" + e + ")";
}

// An in-order table of commands in flight, oldest in entry 0: the load table and the write table.
// A push writes entry <p>_pos, a retire moves every entry down one.
struct FlightTable {
  struct Field {
    std::string name, width, pushed;  // <p>_<name><e>_q, its bits, the value a push writes
  };
  std::string p;       // register prefix
  unsigned depth, cb;  // entries, bits of the count <p>_n_q
  std::string lit;     // a count literal's prefix
  std::string push, retire;
  std::vector<Field> fields;

  std::string Entry(const Field& f, unsigned e) const { return p + "_" + f.name + N(e) + "_q"; }
  void Declare(Scope& s) const {
    s.Reg(p + "_n_q", N(cb));
    s.Wire(p + "_pos", N(cb));
    for (unsigned e = 0; e < depth; ++e) {
      for (const Field& f : fields) s.Reg(Entry(f, e), f.width);
    }
  }
  std::string Pos() const { return p + "_n_q - (" + retire + " ? " + lit + "1 : " + lit + "0)"; }
  Block ResetEntries() const {
    Block b;
    for (unsigned e = 0; e < depth; ++e) {
      for (const Field& f : fields) b.push_back(Set(Entry(f, e), f.width + "'d0"));
    }
    return b;
  }
  Block Update() const {
    Block shift;
    std::vector<CaseItem> items;
    for (unsigned e = 0; e < depth; ++e) {
      Block write;
      for (const Field& f : fields) {
        shift.push_back(Set(Entry(f, e), Entry(f, e + 1 < depth ? e + 1 : e)));
        write.push_back(Set(Entry(f, e), f.pushed));
      }
      items.push_back({{lit + N(e)}, write});
    }
    return {If(retire, shift), If(push, {Case(p + "_pos", items, {})}),
            Set(p + "_n_q", p + "_n_q + (" + push + " ? " + lit + "1 : " + lit + "0) - (" + retire +
                                " ? " + lit + "1 : " + lit + "0)")};
  }
};

// LOADs issued whose data have not all landed: target, word range, index.
FlightTable LoadTable(const SeqConfig& c) {
  return {"lt",
          kSeqLoadTable,
          c.ltb,
          c.L,
          "lt_push",
          "lt_retire",
          {{"tgt", "2", "target"},
           {"lo", "17", "ld_lo"},
           {"hi", "17", "ld_hi[16:0]"},
           {"idx", "32", "idx_q"}}};
}

// STOREs issued whose writes are not all answered: index.
FlightTable WriteTable(const SeqConfig& c) {
  return {"wt", kSeqWriteTable, c.wtb, c.W, "wt_push", "wr_retire_i", {{"idx", "32", "idx_q"}}};
}

}  // namespace

// LOADs issued whose data have not all landed (oldest first): target, word range, index.
void AddLoadTableDecls(Scope& s, const SeqConfig& c) {
  LoadTable(c).Declare(s);
  s.Wire("lt_retire");
  s.Wire("lt_push");
  s.Reg("load_hz");
  s.Wire("blocked");
}

// What the running units touch: the compute controller reports the act, weight and acc word
// ranges its commands use; the sequencer keeps the STORE's acc footprint (rows, bias and
// per-channel words). The write table holds the index of each STORE issued whose writes are not
// all answered (oldest first), for a late write error; SYNC and the end of the list wait for it.
void AddIssueDecls(Scope& s, const SeqConfig& c) {
  s.Reg("is_lo_q", "17");
  s.Reg("is_hi_q", "17");
  s.Reg("is_par_lo_q", "17");
  s.Reg("is_par_hi_q", "17");
  WriteTable(c).Declare(s);
  s.Wire("wt_push");
}

void AddHazards(Scope& s, const SeqConfig& c) {
  const bool st = c.st, zs = c.zs;
  const std::string& L = c.L;
  const std::string cmp_acc = Fld17(k::kOpCompute, "acc_addr"),
                    st_acc = Fld17(k::kOpStore, "acc_addr"),
                    cmp_wgt = Fld17(k::kOpCompute, "weight_addr");
  s.Note(
      "Hazards against the running units; a command waits in StIssue while one holds. SYNC "
      "waits for every unit and every STORE's write responses; a SCAN for the units only.");
  std::vector<CaseItem> items = {
      {{OpLabel(k::kOpLoad)},
       {Case("target",
             {{{"2'd0"},
               {Set("hazard", "cmp_act_busy_i && " + LdOverlap("cmp_act_lo_i", "cmp_act_hi_i"))}},
              {st ? std::vector<std::string>{"2'd1", "2'd3"} : std::vector<std::string>{"2'd1"},
               {Set("hazard", std::string(zs ? "(gather && cmp_scanning_i && !g_listed) || " : "") +
                                  "(cmp_wgt_busy_i && " +
                                  LdOverlap("cmp_wgt_lo_i", "cmp_wgt_hi_i") + ")")}}},
             {Set("hazard", AccBusy("", "", true) + " || (st_busy_i && (" +
                                LdOverlap("is_lo_q", "is_hi_q") + " || " +
                                LdOverlap("is_par_lo_q", "is_par_hi_q") + "))")})}},
      {{OpLabel(k::kOpCompute)},
       {Set("hazard", "cmp_feed_busy_i || (cmp_writes_acc && st_busy_i && (" +
                          Overlap17(cmp_acc, "cmp_acc_end", "is_lo_q", "is_hi_q") + " || " +
                          Overlap17(cmp_acc, "cmp_acc_end", "is_par_lo_q", "is_par_hi_q") + "))")}},
      {{OpLabel(k::kOpStore)},
       {Set("hazard", "st_busy_i || (wt_n_q == " + c.W + N(kSeqWriteTable) + ") || " +
                          AccBusy(st_acc, "st_acc_end", false) + " || " +
                          AccBusy("st_par_lo", "st_par_hi", false))}}};
  if (zs) items.push_back({{OpLabel(k::kOpScan)}, {Set("hazard", "cmp_busy_i || st_busy_i")}});
  s.Comb({Set("hazard", "1'b0"),
          Case("opcode", items,
               {Set("hazard", "cmp_busy_i || st_busy_i || (wt_n_q != " + c.W + "0)")})});
  s.Note("Hazards against LOADs whose data are still arriving (the load table).");
  s.Comb({Set("load_hz", "1'b0"),
          Case("opcode",
               {{{OpLabel(k::kOpLoad)}, {Set("load_hz", "lt_n_q == " + L + N(kSeqLoadTable))}},
                {{OpLabel(k::kOpCompute)},
                 {Set("load_hz",
                      LtHit(c, k::kTargetAct, zs ? "cmp_act_lo" : Fld17(k::kOpCompute, "act_addr"),
                            "cmp_act_end") +
                          " || " + LtHit(c, k::kTargetWeight, cmp_wgt, "cmp_wgt_end") +
                          (st ? " || " + LtHit(c, k::kTargetMeta, cmp_wgt, "cmp_wgt_end")
                              : std::string()) +
                          " || (cmp_writes_acc && " +
                          LtHit(c, k::kTargetAcc, cmp_acc, "cmp_acc_end") + ")")}},
                {{OpLabel(k::kOpStore)},
                 {Set("load_hz", LtHit(c, k::kTargetAcc, st_acc, "st_acc_end") + " || " +
                                     LtHit(c, k::kTargetAcc, "st_par_lo", "st_par_hi"))}}},
               {Set("load_hz", "lt_n_q != " + L + "0")})});
  if (zs) {
    s.Note(
        "An indexed COMPUTE whose entries all lie past the index list does nothing: it completes "
        "at once, without waiting for the compute unit (its skipped steps are still counted).");
    const std::string j0 = Fld(k::kOpCompute, "j0"), kk = Fld(k::kOpCompute, "k");
    s.Assign("c_avail", "cmp_nnz_i - " + j0);
    s.Assign("c_keff",
             "(" + j0 + " >= cmp_nnz_i) ? 16'd0 : (" + kk + " < c_avail) ? " + kk + " : c_avail");
    s.Assign("c_empty", OpIs(k::kOpCompute) + " && " + Fld(k::kOpCompute, "indexed") +
                            " && !cmp_scanning_i && (c_keff == 16'd0)");
    s.Note(
        "Likewise a gather LOAD with no rows left (past the list) writes nothing: it completes "
        "without waiting for hazards, so the chunks past the list do not hold up the next "
        "group's LOADs behind the last full chunk's COMPUTE.");
    s.Assign("l_empty", OpIs(k::kOpLoad) + " && gather && !cmp_scanning_i && (g_rows == 16'd0)");
    s.Assign("blocked", "!c_empty && !l_empty && (hazard || load_hz)");
  } else {
    s.Assign("blocked", "hazard || load_hz");
  }
  s.Assign("lt_push", "(state_q == StLoad) && rd_req_ready_i");
  s.Assign("lt_retire", "rd_retire_i && (dest_q != DestCmd)");
  s.Assign("lt_pos", LoadTable(c).Pos());
  s.Assign("wt_push", c.issue + " && " + OpIs(k::kOpStore));
  s.Assign("wt_pos", WriteTable(c).Pos());
}

Block IssueReset() {
  return {Set("is_lo_q", "17'd0"), Set("is_hi_q", "17'd0"), Set("is_par_lo_q", "17'd0"),
          Set("is_par_hi_q", "17'd0")};
}

Block IssueStore() {
  return {Set("is_lo_q", Fld17(k::kOpStore, "acc_addr")), Set("is_hi_q", "st_acc_end"),
          Set("is_par_lo_q", "st_par_lo"), Set("is_par_hi_q", "st_par_hi")};
}

Block HazardReset(const SeqConfig& c) {
  Block b = {Set("lt_n_q", c.L + "0"), Set("wt_n_q", c.W + "0")};
  for (const Block& r : {WriteTable(c).ResetEntries(), LoadTable(c).ResetEntries()}) {
    b.insert(b.end(), r.begin(), r.end());
  }
  if (c.zs) {
    b.push_back(Set("sc_lo_q", "17'd0"));
    b.push_back(Set("sc_hi_q", "17'd0"));
  }
  return b;
}

Block HazardSeq(const SeqConfig& c) {
  Block b = {Comment("A LOAD reports a read error when its data have all arrived."),
             If("lt_retire && rd_retire_err_i && (err_code_q == 4'd0)",
                {Set("err_code_q", "4'd" + N(k::ErrCodeOf("axi_read"))),
                 Set("err_cmd_q", "lt_idx0_q"), Set("abort_q", "1'b1")}),
             Comment("Load table: push at the LOAD's request, pop (oldest) when its data landed.")};
  for (const Stmt& x : LoadTable(c).Update()) b.push_back(x);
  b.push_back(
      Comment("A STORE reports a write error when its writes have all been answered, "
              "possibly commands later."));
  b.push_back(If("wr_retire_i && wr_retire_err_i && (err_code_q == 4'd0)",
                 {Set("err_code_q", "4'd" + N(k::ErrCodeOf("axi_write"))),
                  Set("err_cmd_q", "wt_idx0_q"), Set("abort_q", "1'b1")}));
  // Write table: push at the STORE's issue, pop (oldest) when the write DMA retires its writes.
  for (const Stmt& x : WriteTable(c).Update()) b.push_back(x);
  if (c.zs) {
    const std::string lo = Fld17(k::kOpScan, "act_addr");
    b.push_back(Comment("A SCAN's act range: what the indexed COMPUTEs after it read."));
    b.push_back(
        If(c.issue + " && " + OpIs(k::kOpScan),
           {Set("sc_lo_q", lo), Set("sc_hi_q", lo + " + " + Fld17(k::kOpScan, "k") +
                                                   (c.cfg.gemv_slices > 1 ? " + sc_pk" : ""))}));
  }
  return b;
}

}  // namespace salsa::blocks

// salsa_top with sram.ecc: secded: the scratchpads' SECDED flags, gathered for the CSRs
// (ECC_CORRECTED, ECC_STATUS) and the sequencer (ERR_CODE ecc_uncorrectable).
#include "blocks/top_parts.h"

namespace salsa::blocks::top {

using namespace ir;

namespace {

// One ECC source: a salsa_scratchpad, or one way of a salsa_slice_spad.
struct Source {
  std::string name, corr, err, addr;
};

std::vector<Source> Sources(const std::vector<std::pair<std::string, unsigned>>& spads) {
  std::vector<Source> out;
  for (const auto& [inst, ways] : spads) {
    const std::string w = EccWire(inst);
    if (ways == 0) {
      out.push_back({inst, w + "_corr", w + "_err", w + "_addr"});
      continue;
    }
    for (unsigned i = 0; i < ways; ++i) {
      out.push_back({inst + ".u_way" + N(i), w + "_corr[" + N(i) + "]", w + "_err[" + N(i) + "]",
                     IdxPart(w + "_addr", N(16 * i), "16")});
    }
  }
  return out;
}

}  // namespace

std::string EccWire(const std::string& inst) {
  return (inst.rfind("u_", 0) == 0 ? inst.substr(2) : inst) + "_ecc";
}

void AddEcc(const Top& t) {
  const std::vector<Source> src = Sources(t.ecc_spads);
  t.s.Note(
      "sram.ecc: secded: reads corrected (ECC_CORRECTED), and the first "
      "scratchpad with an uncorrectable read, {its index, its word address} (ECC_STATUS).");
  std::string sum, any, info = "24'd0";
  for (const Source& x : src) {
    sum += (sum.empty() ? "" : " + ") + std::string("{7'd0, ") + x.corr + "}";
    any += (any.empty() ? "" : " || ") + x.err;
  }
  for (std::size_t i = src.size(); i-- > 0;) {
    info = src[i].err + " ? {8'd" + N(i) + ", " + src[i].addr + "} : " + info;
  }
  // Registered: the decoders' flags (after the syndrome and correction logic) reach the CSR
  // counter and the sequencer a cycle later, off their paths.
  t.s.Reg("ecc_corr_n_q", "8");
  t.s.Reg("ecc_err_q");
  t.s.Reg("ecc_info_q", "24");
  t.s.Seq(t.clk, t.rst,
          {Set("ecc_corr_n_q", "8'd0"), Set("ecc_err_q", "1'b0"), Set("ecc_info_q", "24'd0")},
          {Set("ecc_corr_n_q", sum), Set("ecc_err_q", any), Set("ecc_info_q", info)});
  t.s.Assign("ecc_corr_n", "ecc_corr_n_q");
  t.s.Assign("ecc_err", "ecc_err_q");
  t.s.Assign("ecc_info", "ecc_info_q");
}

}  // namespace salsa::blocks::top

namespace salsa::blocks {

using namespace ir;

std::vector<std::string> EccScratchpads(const Config& cfg, const Module& top) {
  std::vector<std::pair<std::string, unsigned>> spads;
  if (!cfg.sram_ecc) return {};
  for (const Item& it : top.items) {
    if (it.kind != Item::Kind::kInstance) continue;
    if (it.instance.module == "salsa_scratchpad") spads.push_back({it.instance.name, 0});
    if (it.instance.module == "salsa_slice_spad") {
      spads.push_back({it.instance.name, cfg.gemv_slices});
    }
  }
  std::vector<std::string> names;
  for (const auto& x : top::Sources(spads)) names.push_back(x.name);
  return names;
}

}  // namespace salsa::blocks

// YAML config loader: parses, validates and canonicalises the accelerator configuration.
#include "salsa/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "salsa/config_defaults.h"
#include "salsa/file_read.h"
#include "salsa/yaml_diag.h"

namespace salsa {
namespace {

using yaml_diag::Entry;
using yaml_diag::IsDigits;
using yaml_diag::Join;
using yaml_diag::kDocumentKey;
using yaml_diag::OneLine;
using yaml_diag::Quote;
using Reporter = yaml_diag::Reporter<ConfigError>;

constexpr unsigned kMaxNameLength = 32;
constexpr unsigned kMaxBurstBytes = 4096;
constexpr unsigned kMaxScratchpadWords = 65536;  // 16-bit word addresses
constexpr unsigned kMinAxiTimeout = 64;          // axi.timeout_cycles when not 0
constexpr unsigned kMaxAxiTimeout = 1u << 24;
constexpr unsigned kMinDepth = 16;
constexpr unsigned kMaxDepth = 65536;

std::string Range(unsigned lo, unsigned hi) {
  return std::to_string(lo) + ".." + std::to_string(hi);
}

// A YAML float spelling (16.5, 1e3, -0.5, .inf, .nan): reported as "not an integer".
bool IsFloat(const std::string& s) {
  static const std::regex kFloat(
      R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))");
  return std::regex_match(s, kFloat);
}

bool IsPowerOfTwo(unsigned v) { return v != 0 && (v & (v - 1)) == 0; }

// What a node is, for "expected X, got Y" messages; a quoted integer gets a hint.
std::string Describe(const YAML::Node& node) {
  return yaml_diag::Describe(node, /*hint_unquote=*/true);
}

// A validated map: every key is a known, unique scalar.
class Section {
 public:
  // `node` may be absent or null (all defaults); otherwise it must be a map.
  Section(const Reporter& reporter, const YAML::Node& node, const YAML::Mark& fallback_mark,
          std::string dotted, std::vector<std::string> accepted)
      : reporter_(reporter),
        mark_(fallback_mark),
        dotted_(std::move(dotted)),
        accepted_(std::move(accepted)) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) {
      reporter_.Fail(node.Mark(), dotted_.empty() ? kDocumentKey : dotted_,
                     "wrong type: expected a map, got " + Describe(node),
                     "a map with keys " + Join(accepted_));
    }
    mark_ = node.Mark();
    for (const auto& pair : node) {
      Entry entry{pair.first, pair.second};
      if (!entry.key.IsScalar()) {
        reporter_.Fail(entry.key.Mark(), dotted_.empty() ? kDocumentKey : dotted_,
                       "a key must be a scalar, got " + Describe(entry.key), Join(accepted_));
      }
      const std::string name = entry.key.Scalar();
      if (std::find(accepted_.begin(), accepted_.end(), name) == accepted_.end()) {
        reporter_.Fail(entry.key.Mark(), Key(name),
                       "unknown key " + Quote(name) + yaml_diag::DidYouMean(name, accepted_),
                       Join(accepted_));
      }
      if (const Entry* seen = Find(name)) {
        reporter_.FailDuplicateKey(entry.key.Mark(), Key(name), *seen);
      }
      entries_.emplace_back(name, entry);
    }
  }

  const Entry* Find(const std::string& name) const { return yaml_diag::Find(entries_, name); }

  std::string Key(const std::string& name) const {
    return dotted_.empty() ? name : dotted_ + "." + name;
  }

  // The map's own mark (or the parent's, if the map was omitted).
  const YAML::Mark& mark() const { return mark_; }
  const Reporter& reporter() const { return reporter_; }

  // A sub-section (possibly absent: then all its keys take defaults).
  Section Child(const std::string& name, std::vector<std::string> accepted) const {
    const Entry* e = Find(name);
    YAML::Node node = e ? e->value : YAML::Node();
    return Section(reporter_, node, e ? e->key.Mark() : mark_, Key(name), std::move(accepted));
  }

  // Strict unsigned decimal integer; `accepted` describes the accepted values for messages.
  // Returns false (value untouched) if the key is absent.
  bool GetUnsigned(const std::string& name, unsigned lo, unsigned hi, const std::string& accepted,
                   unsigned* value, YAML::Mark* mark = nullptr) const {
    const Entry* e = Find(name);
    if (!e) return false;
    const std::string key = Key(name);
    const YAML::Mark where = e->ValueMark();
    if (mark) *mark = where;
    const YAML::Node& node = e->value;
    RequirePlainScalar(*e, "an integer", accepted);
    const std::string& s = node.Scalar();
    if (!IsDigits(s)) {
      if (s.size() > 1 && s[0] == '-' && IsDigits(s.substr(1))) {
        reporter_.Fail(where, key, "negative value " + Quote(s) + " for an unsigned field",
                       accepted);
      }
      if (IsFloat(s)) reporter_.Fail(where, key, "not an integer: " + Quote(s), accepted);
      reporter_.Fail(where, key, "wrong type: expected a decimal integer, got " + Quote(s),
                     accepted);
    }
    if (s.size() > 1 && s[0] == '0') {
      reporter_.Fail(where, key, "leading zero in " + Quote(s) + " (octal is not accepted)",
                     accepted);
    }
    unsigned long long v = 0;
    bool overflow = false;
    for (char c : s) {
      v = v * 10 + static_cast<unsigned>(c - '0');
      if (v > std::numeric_limits<unsigned>::max()) {
        overflow = true;
        break;
      }
    }
    if (overflow || v < lo || v > hi) {
      reporter_.Fail(where, key, "value " + Quote(s) + " is out of range", accepted);
    }
    *value = static_cast<unsigned>(v);
    return true;
  }

  // Boolean as yaml-cpp reads it (true/false, yes/no, on/off, y/n); absent: false returned.
  bool GetBool(const std::string& name, bool* value) const {
    const Entry* e = Find(name);
    if (!e) return false;
    const std::string accepted = "true, false";
    const YAML::Node& node = e->value;
    RequirePlainScalar(*e, "a bool", accepted);
    bool b = false;
    if (!YAML::convert<bool>::decode(node, b)) {
      reporter_.Fail(e->ValueMark(), Key(name),
                     "wrong type: expected a bool, got " + Describe(node), accepted);
    }
    *value = b;
    return true;
  }

  // Any scalar (quoted or not) as a string; absent: false returned.
  bool GetString(const std::string& name, const std::string& accepted, std::string* value,
                 YAML::Mark* mark) const {
    const Entry* e = Find(name);
    if (!e) return false;
    *mark = e->ValueMark();
    RequireScalar(*e, "a string", accepted);
    *value = e->value.Scalar();
    return true;
  }

 private:
  // A value that is present and a scalar (quoted or not).
  void RequireScalar(const Entry& e, const std::string& what, const std::string& accepted) const {
    const std::string key = Key(e.key.Scalar());
    if (e.value.IsNull()) reporter_.Fail(e.ValueMark(), key, "missing value", accepted);
    if (!e.value.IsScalar()) {
      reporter_.Fail(e.ValueMark(), key,
                     "wrong type: expected " + what + ", got " + Describe(e.value), accepted);
    }
  }

  // As RequireScalar, and not quoted: "16" is a string, not an integer.
  void RequirePlainScalar(const Entry& e, const std::string& what,
                          const std::string& accepted) const {
    RequireScalar(e, what, accepted);
    if (e.value.Tag() == "!") {
      reporter_.Fail(e.ValueMark(), Key(e.key.Scalar()),
                     "wrong type: expected " + what + ", got " + Describe(e.value), accepted);
    }
  }

  const Reporter& reporter_;
  YAML::Mark mark_;
  std::string dotted_;
  std::vector<std::string> accepted_;
  yaml_diag::Entries entries_;
};

void ParseName(const Section& top, Config* cfg) {
  const std::string accepted =
      "[a-z][a-z0-9_]*, 1.." + std::to_string(kMaxNameLength) + " characters";
  YAML::Mark mark;
  if (!top.GetString("name", accepted, &cfg->name, &mark)) {
    top.reporter().Fail(top.mark(), "name", "missing required key", accepted);
  }
  const std::string& n = cfg->name;
  if (n.empty()) top.reporter().Fail(mark, "name", "empty name", accepted);
  if (n.size() > kMaxNameLength) {
    top.reporter().Fail(
        mark, "name",
        "name " + Quote(n) + " is too long (" + std::to_string(n.size()) + " characters)",
        accepted);
  }
  const bool ok = n[0] >= 'a' && n[0] <= 'z' && std::all_of(n.begin(), n.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                  });
  if (!ok) {
    top.reporter().Fail(mark, "name", "invalid characters in name " + Quote(n), accepted);
  }
}

const std::vector<std::string>& ArrayKeys() {
  static const std::vector<std::string> keys = {"rows", "cols", "dataflow", "gemv_slices"};
  return keys;
}

void ParseArray(const Section& top, Config* cfg) {
  const Section array = top.Child("array", ArrayKeys());
  array.GetUnsigned("rows", 1, 64, Range(1, 64), &cfg->rows);
  array.GetUnsigned("cols", 1, 64, Range(1, 64), &cfg->cols);
  std::string dataflow;
  YAML::Mark mark;
  if (array.GetString("dataflow", "os", &dataflow, &mark)) {
    if (dataflow == "os") {
      cfg->dataflow = Dataflow::kOutputStationary;
    } else if (dataflow == "ws") {
      cfg->dataflow = Dataflow::kWeightStationary;
    } else {
      array.reporter().Fail(mark, "array.dataflow", "unknown dataflow " + Quote(dataflow),
                            "os, ws");
    }
  }
}

void ParseAxi(const Section& top, Config* cfg) {
  const Section axi =
      top.Child("axi", {"data_bits", "ports", "addr_bits", "id_bits", "max_outstanding",
                        "max_burst", "cache", "prot", "qos", "timeout_cycles"});
  const Reporter& r = axi.reporter();
  YAML::Mark data_mark;
  if (axi.GetUnsigned("data_bits", 0, std::numeric_limits<unsigned>::max(), "64, 128, 256, 512",
                      &cfg->axi_data_bits, &data_mark)) {
    const unsigned v = cfg->axi_data_bits;
    if (v != 64 && v != 128 && v != 256 && v != 512) {
      r.Fail(data_mark, "axi.data_bits", "unsupported bus width " + std::to_string(v),
             "64, 128, 256, 512");
    }
  }
  YAML::Mark ports_mark;
  if (axi.GetUnsigned("ports", 0, std::numeric_limits<unsigned>::max(), "1, 2, 4, 8, 16",
                      &cfg->axi_ports, &ports_mark)) {
    const unsigned v = cfg->axi_ports;
    if (v == 0 || v > 16 || (v & (v - 1)) != 0) {
      r.Fail(ports_mark, "axi.ports", "unsupported port count " + std::to_string(v),
             "1, 2, 4, 8, 16");
    }
  }
  axi.GetUnsigned("addr_bits", 32, 64, Range(32, 64), &cfg->axi_addr_bits);
  axi.GetUnsigned("id_bits", 1, 8, Range(1, 8), &cfg->axi_id_bits);
  const bool outstanding_given =
      axi.GetUnsigned("max_outstanding", 2, 16, Range(2, 16), &cfg->axi_max_outstanding);
  axi.GetUnsigned("cache", 0, 15, Range(0, 15), &cfg->axi_cache);
  axi.GetUnsigned("prot", 0, 7, Range(0, 7), &cfg->axi_prot);
  axi.GetUnsigned("qos", 0, 15, Range(0, 15), &cfg->axi_qos);
  const std::string timeout_accepted =
      "0 (off) or " + Range(kMinAxiTimeout, kMaxAxiTimeout) + " cycles";
  YAML::Mark timeout_mark;
  if (axi.GetUnsigned("timeout_cycles", 0, kMaxAxiTimeout, timeout_accepted,
                      &cfg->axi_timeout_cycles, &timeout_mark) &&
      cfg->axi_timeout_cycles != 0 && cfg->axi_timeout_cycles < kMinAxiTimeout) {
    r.Fail(timeout_mark, "axi.timeout_cycles",
           std::to_string(cfg->axi_timeout_cycles) +
               " cycles is shorter than a DRAM's latency and would time out healthy bursts",
           timeout_accepted);
  }
  YAML::Mark burst_mark = axi.mark();
  axi.GetUnsigned("max_burst", 1, 256, Range(1, 256), &cfg->axi_max_burst, &burst_mark);
  // Derived default: enough bursts in flight to cover the design DRAM latency.
  if (!outstanding_given) cfg->axi_max_outstanding = DefaultMaxOutstanding(cfg->axi_max_burst);
  const unsigned bus_bytes = cfg->BusBytes();
  const unsigned burst_bytes = cfg->axi_max_burst * bus_bytes;
  if (burst_bytes > kMaxBurstBytes) {
    r.Fail(burst_mark, "axi.max_burst",
           "a burst of " + std::to_string(cfg->axi_max_burst) + " beats x " +
               std::to_string(bus_bytes) + " bytes = " + std::to_string(burst_bytes) +
               " bytes exceeds 4 KB",
           Range(1, std::max(1u, kMaxBurstBytes / bus_bytes)) + " for data_bits " +
               std::to_string(cfg->axi_data_bits) +
               (cfg->axi_ports > 1 ? " and ports " + std::to_string(cfg->axi_ports) +
                                         " (max_burst * ports * data_bits/8 <= 4096)"
                                   : " (max_burst * data_bits/8 <= 4096)"));
  }
}

// One scratchpad: `defaults` holds the default banks and the derived width; an omitted depth
// is `default_depth(banks)` (docs/config.md, "Derived defaults").
// `mark` receives the scratchpad map's mark (the parent's if the map was omitted).
template <typename DepthRule>
ScratchpadConfig ParseScratchpad(const Section& sram, const std::string& name,
                                 const ScratchpadConfig& defaults, DepthRule default_depth,
                                 const std::string& width_rule, YAML::Mark* mark) {
  const Section pad = sram.Child(name, {"banks", "depth", "width_bits"});
  *mark = pad.mark();
  const Reporter& r = sram.reporter();
  ScratchpadConfig out = defaults;
  pad.GetUnsigned("banks", 1, 8, Range(1, 8), &out.banks);
  const std::string depth_accepted = "a power of two in " + Range(kMinDepth, kMaxDepth);
  YAML::Mark depth_mark;
  if (!pad.GetUnsigned("depth", kMinDepth, kMaxDepth, depth_accepted, &out.depth, &depth_mark)) {
    out.depth = default_depth(out.banks);
  } else if (!IsPowerOfTwo(out.depth)) {
    r.Fail(depth_mark, pad.Key("depth"), std::to_string(out.depth) + " is not a power of two",
           depth_accepted);
  }
  unsigned width = 0;
  YAML::Mark width_mark;
  if (pad.GetUnsigned("width_bits", 0, std::numeric_limits<unsigned>::max(),
                      std::to_string(defaults.width_bits) + " (" + width_rule + ")", &width,
                      &width_mark) &&
      width != defaults.width_bits) {
    r.Fail(width_mark, pad.Key("width_bits"),
           "inconsistent width_bits " + std::to_string(width) + ": the array needs " + width_rule +
               " = " + std::to_string(defaults.width_bits),
           std::to_string(defaults.width_bits) + " (or omit the key)");
  }
  if (out.Words() > kMaxScratchpadWords) {
    r.Fail(pad.mark(), sram.Key(name),
           "banks*depth = " + std::to_string(out.banks) + "*" + std::to_string(out.depth) + " = " +
               std::to_string(out.Words()) +
               " words exceeds the 16-bit scratchpad word address space",
           "banks*depth <= " + std::to_string(kMaxScratchpadWords));
  }
  return out;
}

const std::vector<std::string>& SramKeys() {
  static const std::vector<std::string> keys = {"act",   "weight",     "acc",
                                                "macro", "macro_name", "ecc"};
  return keys;
}

void ParseSramMacro(const Section& sram, Config* cfg) {
  std::string macro;
  YAML::Mark mark;
  if (sram.GetString("macro", "inferred, blackbox", &macro, &mark)) {
    if (macro == "inferred") {
      cfg->sram_macro = SramMacro::kInferred;
    } else if (macro == "blackbox") {
      cfg->sram_macro = SramMacro::kBlackbox;
    } else {
      sram.reporter().Fail(mark, "sram.macro", "unknown SRAM organisation " + Quote(macro),
                           "inferred, blackbox");
    }
  }
  const std::string accepted =
      "a Verilog identifier [A-Za-z_][A-Za-z0-9_]*, 1..64 characters, not starting with salsa_ "
      "(reserved for generated modules) unless it is " +
      std::string(kDefaultSramMacroName);
  if (!sram.GetString("macro_name", accepted, &cfg->sram_macro_name, &mark)) return;
  const std::string& n = cfg->sram_macro_name;
  const bool ident = !n.empty() && n.size() <= 64 && !(n[0] >= '0' && n[0] <= '9') &&
                     std::all_of(n.begin(), n.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                              (c >= '0' && c <= '9') || c == '_';
                     });
  if (!ident) {
    sram.reporter().Fail(mark, "sram.macro_name", "invalid macro name " + Quote(n), accepted);
  }
  if (n.rfind("salsa_", 0) == 0 && n != kDefaultSramMacroName) {
    sram.reporter().Fail(mark, "sram.macro_name",
                         "macro name " + Quote(n) + " uses the generated modules' prefix",
                         accepted);
  }
}

void ParseSramEcc(const Section& sram, Config* cfg) {
  std::string ecc;
  YAML::Mark mark;
  if (!sram.GetString("ecc", "none, secded", &ecc, &mark)) return;
  if (ecc == "none" || ecc == "secded") {
    cfg->sram_ecc = ecc == "secded";
  } else {
    sram.reporter().Fail(mark, "sram.ecc", "unknown ECC scheme " + Quote(ecc), "none, secded");
  }
}

void ParseSram(const Section& top, Config* cfg) {
  const Section sram = top.Child("sram", SramKeys());
  ParseSramMacro(sram, cfg);
  ParseSramEcc(sram, cfg);
  // Omitted depths are derived (config_defaults.h). The acc scratchpad is parsed later
  // (ParseAccSram): its derived depth follows zero_skip and array.gemv_slices.
  const ScratchpadConfig act_default{2, 0, cfg->rows * 8};
  const ScratchpadConfig weight_default{2, 0, cfg->cols * 8};
  YAML::Mark unused, weight_mark;
  cfg->act =
      ParseScratchpad(sram, "act", act_default, DefaultOperandDepth, "array.rows * 8", &unused);
  cfg->weight = ParseScratchpad(sram, "weight", weight_default, DefaultOperandDepth,
                                "array.cols * 8", &weight_mark);
  // ws: a K block's weights (one word per array row) must fit the weight scratchpad at once.
  if (cfg->dataflow == Dataflow::kWeightStationary && cfg->weight.Words() < cfg->rows) {
    sram.reporter().Fail(weight_mark, "sram.weight",
                         "banks*depth = " + std::to_string(cfg->weight.banks) + "*" +
                             std::to_string(cfg->weight.depth) + " = " +
                             std::to_string(cfg->weight.Words()) + " words is too small for " +
                             std::to_string(cfg->rows) +
                             " array rows with array.dataflow: ws (a K block's weights, one word "
                             "per row, are loaded at once)",
                         "banks*depth >= rows = " + std::to_string(cfg->rows) + " with ws");
  }
}

// sram.acc, after array.gemv_slices (the derived depth grows with zero-skip K slices).
void ParseAccSram(const Section& top, Config* cfg) {
  const Section sram = top.Child("sram", SramKeys());
  const ScratchpadConfig acc_default{1, 0, cfg->cols * 32};
  const auto acc_depth = [cfg](unsigned banks) {
    return DefaultAccDepth(cfg->rows, cfg->cols, cfg->zero_skip, cfg->gemv_slices, banks);
  };
  YAML::Mark acc_mark;
  cfg->acc = ParseScratchpad(sram, "acc", acc_default, acc_depth, "array.cols * 32", &acc_mark);
  const unsigned needed = cfg->rows + 3;
  if (cfg->acc.Words() < needed) {
    sram.reporter().Fail(
        acc_mark, "sram.acc",
        "banks*depth = " + std::to_string(cfg->acc.banks) + "*" + std::to_string(cfg->acc.depth) +
            " = " + std::to_string(cfg->acc.Words()) + " words is too small for " +
            std::to_string(cfg->rows) +
            " array rows (a bias word, one word per row, a multiplier and a shift word)",
        "banks*depth >= rows+3 = " + std::to_string(needed));
  }
}

void ParseSparsity(const Section& top, Config* cfg) {
  const Section sparsity = top.Child("sparsity", {"gating", "zero_skip", "structured"});
  sparsity.GetBool("gating", &cfg->gating);
  if (sparsity.GetBool("zero_skip", &cfg->zero_skip) && cfg->zero_skip &&
      cfg->dataflow != Dataflow::kOutputStationary) {
    const yaml_diag::Entry* e = sparsity.Find("zero_skip");
    sparsity.reporter().Fail(e->ValueMark(), "sparsity.zero_skip",
                             "zero_skip needs array.dataflow: os (the index list drives the "
                             "output-stationary feeder)",
                             "false, or true with array.dataflow: os");
  }
  std::string structured;
  YAML::Mark mark;
  const std::string accepted =
      "none, \"2:4\" (2:4 needs array.dataflow: os, array.cols a multiple of 4 and zero_skip "
      "false)";
  if (sparsity.GetString("structured", accepted, &structured, &mark)) {
    if (structured == "2:4") {
      cfg->structured24 = true;
      std::string why;
      if (cfg->dataflow != Dataflow::kOutputStationary) {
        why = "2:4 needs array.dataflow: os";
      } else if (cfg->cols % 4 != 0) {
        why = "2:4 needs array.cols to be a multiple of 4 (cols = " + std::to_string(cfg->cols) +
              "; four columns' 2-bit positions share a byte)";
      } else if (cfg->zero_skip) {
        why = "2:4 and zero_skip together are not supported";
      }
      if (!why.empty()) sparsity.reporter().Fail(mark, "sparsity.structured", why, accepted);
    } else if (structured != "none") {
      sparsity.reporter().Fail(mark, "sparsity.structured",
                               "unknown structured sparsity " + Quote(structured), accepted);
    }
  }
}

// precision: a non-empty list of distinct datapath names that includes int8. Checked after the
// array and sparsity sections, whose options limit which datapaths can be built.
void ParsePrecision(const Section& top, Config* cfg) {
  const yaml_diag::Entry* e = top.Find("precision");
  if (e == nullptr) return;
  const Reporter& r = top.reporter();
  const std::string accepted =
      "a list of int8, int4w, fp8_e4m3, fp8_e5m2 that includes int8, e.g. [int8, fp8_e4m3] "
      "(int4w and fp8 need array.dataflow: os and no 2:4; int4w needs an even array.rows)";
  const YAML::Node& node = e->value;
  if (!node.IsSequence() || node.size() == 0) {
    r.Fail(e->ValueMark(), "precision",
           node.IsSequence() ? "empty list" : "wrong type: expected a list, got " + Describe(node),
           accepted);
  }
  unsigned mask = 0;
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) {
      r.Fail(item.Mark(), "precision", "wrong type: expected a name, got " + Describe(item),
             accepted);
    }
    const std::string name = item.Scalar();
    unsigned p = kNumPrecisions;
    for (unsigned i = 0; i < kNumPrecisions; ++i) {
      if (name == PrecisionName(static_cast<Precision>(i))) p = i;
    }
    if (p == kNumPrecisions) {
      r.Fail(item.Mark(), "precision", "unknown precision " + Quote(name), accepted);
    }
    if (mask & (1u << p)) r.Fail(item.Mark(), "precision", "duplicate " + Quote(name), accepted);
    mask |= 1u << p;
  }
  if (!(mask & 1u)) r.Fail(e->ValueMark(), "precision", "the list must include int8", accepted);
  cfg->precision_mask = mask;
  std::string why;
  if (cfg->LowPrecision() && cfg->dataflow != Dataflow::kOutputStationary) {
    why = "int4w and fp8 need array.dataflow: os (the ws array has int8 PEs only)";
  } else if (cfg->LowPrecision() && cfg->structured24) {
    why = "int4w and fp8 are not supported with sparsity.structured \"2:4\"";
  } else if (cfg->Has(Precision::kInt4w) && cfg->rows % 2 != 0) {
    why = "int4w needs an even array.rows (rows = " + std::to_string(cfg->rows) +
          "; rows 2j and 2j+1 take the even and odd K steps of output row j)";
  }
  if (!why.empty()) r.Fail(e->ValueMark(), "precision", why, accepted);
}

// array.gemv_slices: the most K slices a COMPUTE may split the array's rows into (a power of two,
// at most rows; 1 = off). Checked after the sections whose options it excludes.
void ParseGemvSlices(const Section& top, Config* cfg) {
  const Section array = top.Child("array", ArrayKeys());
  const std::string accepted =
      "1 (off), or a power of two 2..array.rows dividing it, with array.dataflow: os, no 2:4, "
      "and sram.weight.depth a multiple of it";
  YAML::Mark mark;
  if (!array.GetUnsigned("gemv_slices", 1, 64, accepted, &cfg->gemv_slices, &mark)) {
    cfg->gemv_slices = DefaultGemvSlices(*cfg);
    return;
  }
  const unsigned s = cfg->gemv_slices;
  std::string why;
  if ((s & (s - 1)) != 0 || s > cfg->rows || cfg->rows % s != 0) {
    why = std::to_string(s) +
          " is not a power of two dividing array.rows = " + std::to_string(cfg->rows);
  } else if (s > 1 && cfg->dataflow != Dataflow::kOutputStationary) {
    why = "K slices need array.dataflow: os";
  } else if (s > 1 && cfg->structured24) {
    why = "K slices are not supported with 2:4";
  } else if (s > 1 && cfg->weight.depth % s != 0) {
    why = "sram.weight.depth " + std::to_string(cfg->weight.depth) +
          " is not a multiple of it (the weight banks are interleaved " + std::to_string(s) +
          " ways)";
  }
  if (!why.empty()) array.reporter().Fail(mark, "array.gemv_slices", why, accepted);
}

// sram.weight.depth when omitted, once array.gemv_slices is known: a bus feeding several weight
// words a cycle to K slices gets a deeper weight scratchpad (DefaultWeightDepth).
void DeriveWeightDepth(const Section& top, Config* cfg) {
  const Section pad =
      top.Child("sram", SramKeys()).Child("weight", {"banks", "depth", "width_bits"});
  unsigned given = 0;
  if (pad.GetUnsigned("depth", kMinDepth, kMaxDepth, "", &given)) return;
  cfg->weight.depth = DefaultWeightDepth(*cfg, cfg->weight.banks);
}

void ParseClock(const Section& top, Config* cfg) {
  top.GetUnsigned("clock_mhz", 10, 1000, Range(10, 1000) + " (MHz)", &cfg->clock_mhz);
}

void ParseFpga(const Section& top, Config* cfg) {
  const Section fpga = top.Child("fpga", {"board", "part"});
  const Reporter& r = fpga.reporter();
  std::string board;
  YAML::Mark mark;
  const std::string board_accepted =
      "none, zcu104 (needs axi.data_bits 128, axi.ports 1, axi.addr_bits <= 49)";
  if (fpga.GetString("board", board_accepted, &board, &mark)) {
    if (board == "none") {
      cfg->fpga_board = FpgaBoard::kNone;
    } else if (board == "zcu104") {
      cfg->fpga_board = FpgaBoard::kZcu104;
      // The PS's S_AXI_HP0_FPD port: 128-bit data, 49-bit addresses.
      if (cfg->axi_data_bits != 128) {
        r.Fail(mark, "fpga.board",
               "zcu104 connects the AXI master to the 128-bit S_AXI_HP0_FPD port, but "
               "axi.data_bits is " +
                   std::to_string(cfg->axi_data_bits),
               board_accepted);
      }
      if (cfg->axi_ports != 1) {
        r.Fail(mark, "fpga.board",
               "zcu104 connects one AXI master port to S_AXI_HP0_FPD, but axi.ports is " +
                   std::to_string(cfg->axi_ports),
               board_accepted);
      }
      if (cfg->axi_addr_bits > 49) {
        r.Fail(mark, "fpga.board",
               "zcu104's S_AXI_HP0_FPD port has 49 address bits, but axi.addr_bits is " +
                   std::to_string(cfg->axi_addr_bits),
               board_accepted);
      }
    } else {
      r.Fail(mark, "fpga.board", "unknown board " + Quote(board), board_accepted);
    }
  }
  const std::string accepted = "a Xilinx part name, [a-z0-9-]+ (e.g. " +
                               std::string(kDefaultFpgaPart) + ", the ZCU104's), 1..64 characters";
  if (!fpga.GetString("part", accepted, &cfg->fpga_part, &mark)) return;
  const std::string& p = cfg->fpga_part;
  const bool ok = !p.empty() && p.size() <= 64 && std::all_of(p.begin(), p.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!ok) r.Fail(mark, "fpga.part", "invalid part name " + Quote(p), accepted);
  if (cfg->fpga_board == FpgaBoard::kZcu104 && p != kDefaultFpgaPart) {
    r.Fail(mark, "fpga.part", "the ZCU104 carries " + std::string(kDefaultFpgaPart) + ", not " + p,
           std::string(kDefaultFpgaPart) + " with fpga.board zcu104 (or omit the key)");
  }
}

void ParsePipeline(const Section& top, Config* cfg) {
  const Section pipeline = top.Child("pipeline", {"axi_read_reg", "requant"});
  pipeline.GetBool("axi_read_reg", &cfg->axi_read_reg);
  pipeline.GetBool("requant", &cfg->pipeline_requant);
}

const std::vector<std::string>& TopKeys() {
  static const std::vector<std::string> keys = {"name",     "clock_mhz", "array",    "axi", "sram",
                                                "sparsity", "precision", "pipeline", "fpga"};
  return keys;
}

}  // namespace

const char* FpgaBoardName(FpgaBoard board) {
  switch (board) {
    case FpgaBoard::kNone:
      return "none";
    case FpgaBoard::kZcu104:
      return "zcu104";
  }
  return "?";
}

const char* PrecisionName(Precision p) {
  switch (p) {
    case Precision::kInt8:
      return "int8";
    case Precision::kInt4w:
      return "int4w";
    case Precision::kFp8E4M3:
      return "fp8_e4m3";
    case Precision::kFp8E5M2:
      return "fp8_e5m2";
  }
  return "?";
}

const char* DataflowName(Dataflow dataflow) {
  switch (dataflow) {
    case Dataflow::kOutputStationary:
      return "os";
    case Dataflow::kWeightStationary:
      return "ws";
  }
  return "?";
}

Config ParseConfig(const std::string& text, const std::string& path) {
  const Reporter reporter(path);
  const std::string top_accepted = "a map with keys " + Join(TopKeys());
  const YAML::Node root =
      yaml_diag::LoadSingleMap(reporter, text, top_accepted, /*hint_unquote=*/true);

  Config cfg;
  const Section top(reporter, root, root.Mark(), "", TopKeys());
  ParseName(top, &cfg);
  ParseClock(top, &cfg);
  ParseArray(top, &cfg);
  ParseAxi(top, &cfg);
  ParseSparsity(top, &cfg);
  ParseSram(top, &cfg);
  ParsePrecision(top, &cfg);
  ParseGemvSlices(top, &cfg);
  DeriveWeightDepth(top, &cfg);
  ParseAccSram(top, &cfg);
  ParsePipeline(top, &cfg);
  ParseFpga(top, &cfg);
  cfg.source_text = text;
  cfg.source_path = path;
  return cfg;
}

Config LoadConfig(const std::string& path) {
  std::string text;
  const std::string problem = ReadRegularFile(path, kMaxYamlFileBytes, &text);
  if (!problem.empty()) throw ConfigError(OneLine(path + ": cannot read file: " + problem));
  return ParseConfig(text, path);
}

std::string CanonicalConfig(const Config& cfg) {
  std::ostringstream os;
  auto pad = [&os](const char* name, const ScratchpadConfig& p) {
    os << "  " << name << ":\n"
       << "    banks: " << p.banks << "\n"
       << "    depth: " << p.depth << "\n"
       << "    width_bits: " << p.width_bits << "\n";
  };
  os << "name: " << cfg.name << "\n";
  if (cfg.clock_mhz != kDefaultClockMhz) os << "clock_mhz: " << cfg.clock_mhz << "\n";
  os << "array:\n"
     << "  rows: " << cfg.rows << "\n"
     << "  cols: " << cfg.cols << "\n"
     << "  dataflow: " << DataflowName(cfg.dataflow) << "\n";
  // Printed when not 1, or when 1 overrides a derived default (so the text parses back to the
  // same config); configs whose slices are off either way keep their hashes.
  if (cfg.gemv_slices != 1 || DefaultGemvSlices(cfg) != 1) {
    os << "  gemv_slices: " << cfg.gemv_slices << "\n";
  }
  os << "axi:\n"
     << "  data_bits: " << cfg.axi_data_bits << "\n";
  if (cfg.axi_ports != 1) os << "  ports: " << cfg.axi_ports << "\n";
  os << "  addr_bits: " << cfg.axi_addr_bits << "\n"
     << "  id_bits: " << cfg.axi_id_bits << "\n"
     << "  max_outstanding: " << cfg.axi_max_outstanding << "\n"
     << "  max_burst: " << cfg.axi_max_burst << "\n"
     << "  cache: " << cfg.axi_cache << "\n"
     << "  prot: " << cfg.axi_prot << "\n"
     << "  qos: " << cfg.axi_qos << "\n";
  if (cfg.axi_timeout_cycles != 0) os << "  timeout_cycles: " << cfg.axi_timeout_cycles << "\n";
  os << "sram:\n";
  pad("act", cfg.act);
  pad("weight", cfg.weight);
  pad("acc", cfg.acc);
  if (cfg.sram_macro == SramMacro::kBlackbox) {
    os << "  macro: blackbox\n"
       << "  macro_name: " << cfg.sram_macro_name << "\n";
  }
  if (cfg.sram_ecc) os << "  ecc: secded\n";
  os << "sparsity:\n"
     << "  gating: " << (cfg.gating ? "true" : "false") << "\n"
     << "  zero_skip: " << (cfg.zero_skip ? "true" : "false") << "\n"
     << "  structured: " << (cfg.structured24 ? "\"2:4\"" : "none") << "\n";
  if (cfg.LowPrecision()) {
    os << "precision: [";
    const char* sep = "";
    for (unsigned i = 0; i < kNumPrecisions; ++i) {
      if (!cfg.Has(static_cast<Precision>(i))) continue;
      os << sep << PrecisionName(static_cast<Precision>(i));
      sep = ", ";
    }
    os << "]\n";
  }
  os << "pipeline:\n"
     << "  axi_read_reg: " << (cfg.axi_read_reg ? "true" : "false") << "\n"
     << "  requant: " << (cfg.pipeline_requant ? "true" : "false") << "\n";
  if (cfg.fpga_board != FpgaBoard::kNone || cfg.fpga_part != kDefaultFpgaPart) {
    os << "fpga:\n"
       << "  board: " << FpgaBoardName(cfg.fpga_board) << "\n"
       << "  part: " << cfg.fpga_part << "\n";
  }
  return os.str();
}

std::string ConfigHash(const Config& cfg) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : CanonicalConfig(cfg)) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

}  // namespace salsa

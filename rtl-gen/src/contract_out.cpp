#include "salsa/contract_out.h"

#include <cctype>
#include <sstream>

namespace salsa {
namespace k = contract;

std::string CamelCase(const std::string& s) {
  std::string out;
  bool up = true;
  for (char c : s) {
    if (c == '_' || c == ':') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    up = false;
  }
  return out;
}

namespace {

std::string Bits(const k::CmdField& f) {
  return k::CmdSlice(f).front() == '{'
             ? "w" + std::to_string(f.word + 1) + ":w" + std::to_string(f.word)
             : k::CmdSlice(f);
}

}  // namespace

bool InBuild(const Config& cfg, const char* feature) {
  const std::string f = feature;
  if (f.empty()) return true;
  if (f == "zero_skip") return cfg.zero_skip;
  if (f == "structured") return cfg.structured24;
  if (f == "ws") return cfg.dataflow == Dataflow::kWeightStationary;
  if (f == "os") return cfg.dataflow != Dataflow::kWeightStationary;
  if (f == "lowp") return cfg.LowPrecision();
  if (f == "int4w") return cfg.Has(Precision::kInt4w);
  if (f == "fp8") return cfg.HasFp8();
  if (f == "gemv") return cfg.gemv_slices > 1;
  if (f == "osconv") return cfg.OsConv();
  if (f == "conv") return cfg.dataflow == Dataflow::kWeightStationary || cfg.OsConv();
  return false;
}

nlohmann::ordered_json CommandsJson(const Config& cfg) {
  nlohmann::ordered_json ops = nlohmann::ordered_json::array();
  for (const auto& o : k::kCmdOps) {
    if (!InBuild(cfg, o.feature)) continue;
    nlohmann::ordered_json fields = nlohmann::ordered_json::array();
    for (const auto& f : k::kCmdFields) {
      if (f.op != o.code || !InBuild(cfg, f.feature)) continue;
      fields.push_back({{"name", f.name},
                        {"word", f.word},
                        {"lsb", f.lsb},
                        {"width", f.width},
                        {"signed", f.is_signed},
                        {"when", f.when},
                        {"doc", f.doc}});
    }
    ops.push_back({{"op", o.name}, {"code", o.code}, {"doc", o.doc}, {"fields", fields}});
  }
  return ops;
}

std::string CommandsHeader(const Config& cfg) {
  std::ostringstream os;
  os << "// Commands: kCmdBytes bytes, eight little-endian 32-bit words w[0..7]; w[0] bits 7:0\n"
     << "// are the opcode. A field's bits are w[word] bits lsb + width - 1 .. lsb (a 64-bit "
        "field\n"
     << "// continues into w[word + 1]).\n"
     << "struct CmdField {\n  uint8_t op;\n  const char* name;\n  unsigned word, lsb, width;\n"
     << "  bool is_signed;\n};\n"
     << "constexpr CmdField kCmdOpcode = {0, \"opcode\", 0, 0, 8, false};\n";
  std::ostringstream table;
  for (const auto& o : k::kCmdOps) {
    if (!InBuild(cfg, o.feature)) continue;
    for (const auto& f : k::kCmdFields) {
      if (f.op != o.code || !InBuild(cfg, f.feature)) continue;
      const std::string id = "k" + CamelCase(o.name) + CamelCase(f.name);
      os << "constexpr CmdField " << id << " = {" << o.code << ", \"" << f.name << "\", " << f.word
         << ", " << f.lsb << ", " << f.width << ", " << (f.is_signed ? "true" : "false")
         << "};  // " << o.name << ": " << f.doc << "\n";
      table << "    " << id << ",\n";
    }
  }
  os << "constexpr CmdField kCmdFields[] = {\n"
     << table.str() << "};\n"
     << "// Writes v (two's complement for signed fields) into field f of the command words w.\n"
     << "constexpr void SetField(uint32_t (&w)[8], const CmdField& f, uint64_t v) {\n"
     << "  for (unsigned i = 0; i < f.width; ++i) {\n"
     << "    const unsigned bit = 32 * f.word + f.lsb + i;\n"
     << "    const uint32_t mask = uint32_t{1} << (bit % 32);\n"
     << "    w[bit / 32] = ((v >> i) & 1u) ? (w[bit / 32] | mask) : (w[bit / 32] & ~mask);\n"
     << "  }\n}\n"
     << "// The bits of field f of the command words w (sign-extend signed fields yourself).\n"
     << "constexpr uint64_t GetField(const uint32_t (&w)[8], const CmdField& f) {\n"
     << "  uint64_t v = 0;\n"
     << "  for (unsigned i = 0; i < f.width; ++i) {\n"
     << "    const unsigned bit = 32 * f.word + f.lsb + i;\n"
     << "    v |= static_cast<uint64_t>((w[bit / 32] >> (bit % 32)) & 1u) << i;\n"
     << "  }\n  return v;\n}\n";
  return os.str();
}

std::string CommandTableMarkdown() {
  std::ostringstream os;
  os << "| op | code | field | bits | signed | builds | meaning |\n"
     << "|---|---|---|---|---|---|---|\n";
  for (const auto& o : k::kCmdOps) {
    const std::string feat = o.feature[0] ? o.feature : "all";
    os << "| " << o.name << " | " << o.code << " | | `w0[7:0]` | | " << feat << " | " << o.doc
       << " |\n";
    for (const auto& f : k::kCmdFields) {
      if (f.op != o.code) continue;
      std::string builds = f.feature[0] ? f.feature : "all";
      std::string doc = f.doc;
      if (f.when[0]) doc = std::string("with `") + f.when + "`: " + doc;
      os << "| | | `" << f.name << "` | `" << Bits(f) << "` | " << (f.is_signed ? "yes" : "")
         << " | " << builds << " | " << doc << " |\n";
    }
  }
  return os.str();
}

}  // namespace salsa

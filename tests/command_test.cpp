// The command format as data (salsa/hw_contract.h, kCmdFields): every field round-trips through
// the generic pack/unpack at its extremes, the sequencer's Verilog slice of a field denotes the
// same bits, the generated salsa_params.h encodes as the driver does, manifest.json carries the
// build's fields, docs/architecture.md's table is the table, and the functional model decodes
// fields at their extremes.
#include "salsa/command.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "salsa/config.h"
#include "salsa/contract_out.h"
#include "salsa/func_sim.h"
#include "salsa/generator.h"
#include "salsa_params.h"  // the committed header of preset default (rtl/default)
#include "test_hw.h"

namespace salsa {
namespace {

using contract::CmdField;

std::string Name(const CmdField& f) {
  return std::string(contract::FindCmdOp(f.op)->name) + "." + f.name;
}

// Extreme values of a field: 0, 1, the largest, and for signed fields the smallest and -1.
std::vector<int64_t> Extremes(const CmdField& f) {
  if (f.width == 64) return {0, 1, -1, static_cast<int64_t>(0x8000000000000001ull)};
  if (f.is_signed) {
    const int64_t hi = (int64_t{1} << (f.width - 1)) - 1;
    return {0, 1, -1, hi, -hi - 1};
  }
  return {0, 1, (int64_t{1} << f.width) - 1, int64_t{1} << (f.width - 1)};
}

// The bit positions [lo, lo + width) of a field within the 256-bit command.
std::set<unsigned> FieldBits(const CmdField& f) {
  std::set<unsigned> b;
  for (unsigned i = 0; i < f.width; ++i) b.insert(32 * f.word + f.lsb + i);
  return b;
}

TEST(CommandTest, EveryFieldRoundTripsAtItsExtremes) {
  for (const CmdField& f : contract::kCmdFields) {
    for (int64_t v : Extremes(f)) {
      Command c = cmd::Pack(f.op, {});
      cmd::Set(c, f, v);
      EXPECT_EQ(cmd::Get(c.data(), f), v) << Name(f) << " = " << v;
      EXPECT_EQ(cmd::Opcode(c.data()), f.op) << Name(f) << " = " << v;
      EXPECT_EQ(cmd::Get(c.data(), f.name), v) << Name(f) << " by name";
      // Nothing outside the field (and the opcode) is touched.
      const std::set<unsigned> bits = FieldBits(f);
      for (unsigned bit = 8; bit < 8 * contract::kCmdBytes; ++bit) {
        if (bits.count(bit) == 0) {
          ASSERT_EQ((c[bit / 8] >> (bit % 8)) & 1u, 0u) << Name(f) << " = " << v << " bit " << bit;
        }
      }
    }
  }
}

TEST(CommandTest, ValuesAFieldCannotHoldThrow) {
  const CmdField& k = cmd::FieldOf(contract::kOpCompute, "k");
  const CmdField& zp = cmd::FieldOf(contract::kOpCompute, "in_zp");
  Command c{};
  EXPECT_THROW(cmd::Set(c, k, 65536), std::out_of_range);
  EXPECT_THROW(cmd::Set(c, k, -1), std::out_of_range);
  EXPECT_THROW(cmd::Set(c, zp, 128), std::out_of_range);
  EXPECT_THROW(cmd::Set(c, zp, -129), std::out_of_range);
  EXPECT_NO_THROW(cmd::Set(c, zp, -128));
  EXPECT_THROW(cmd::FieldOf(contract::kOpSync, "k"), std::logic_error);
  EXPECT_THROW(cmd::Pack(contract::kOpLoad, {{"no_such_field", 1}}), std::logic_error);
}

// The sequencer's builder takes every field's slice from contract::CmdSlice: the slice must name
// exactly the bits the driver packs (this is the RTL side of each field's round trip).
TEST(CommandTest, VerilogSliceNamesTheFieldsBits) {
  const std::regex range(R"(w(\d)\[(\d+):(\d+)\])"), bit(R"(w(\d)\[(\d+)\])"), word(R"(w(\d))"),
      pair(R"(\{w(\d), w(\d)\})");
  for (const CmdField& f : contract::kCmdFields) {
    const std::string s = contract::CmdSlice(f);
    std::set<unsigned> got;
    std::smatch m;
    if (std::regex_match(s, m, range)) {
      for (unsigned b = std::stoul(m[3]); b <= std::stoul(m[2]); ++b) {
        got.insert(32 * std::stoul(m[1]) + b);
      }
    } else if (std::regex_match(s, m, bit)) {
      got.insert(32 * std::stoul(m[1]) + std::stoul(m[2]));
    } else if (std::regex_match(s, m, word)) {
      for (unsigned b = 0; b < 32; ++b) got.insert(32 * std::stoul(m[1]) + b);
    } else if (std::regex_match(s, m, pair)) {
      ASSERT_EQ(std::stoul(m[1]), std::stoul(m[2]) + 1) << s;
      for (unsigned b = 0; b < 64; ++b) got.insert(32 * std::stoul(m[2]) + b);
    } else {
      FAIL() << Name(f) << ": slice " << s << " has no known form";
    }
    EXPECT_EQ(got, FieldBits(f)) << Name(f) << ": " << s;
  }
  EXPECT_EQ(contract::CmdSlice(contract::kCmdOpcode), "w0[7:0]");
}

// Fields of one opcode share bits only as aliases: another meaning under a flag (`when`) or in a
// build of another feature. `when` names a flag of the same opcode; no field overlaps the opcode.
TEST(CommandTest, FieldsOverlapOnlyAsAliases) {
  const std::set<std::string> features = {"",     "zero_skip", "structured", "os",  "ws",
                                          "lowp", "int4w",     "fp8",        "gemv",
                                          "osconv", "conv"};
  for (const CmdField& a : contract::kCmdFields) {
    EXPECT_EQ(features.count(a.feature), 1u) << Name(a);
    EXPECT_GE(32 * a.word + a.lsb, 8u) << Name(a) << " overlaps the opcode";
    EXPECT_LE(32 * a.word + a.lsb + a.width, 8 * contract::kCmdBytes) << Name(a);
    if (a.when[0] != '\0') {
      const CmdField* w = contract::FindCmdField(a.op, a.when);
      ASSERT_NE(w, nullptr) << Name(a) << " when " << a.when;
      // A flag, or a small selector that means "set" when non-zero (STORE out_fmt).
      EXPECT_LE(w->width, 3u) << Name(a) << " when " << a.when;
    }
    for (const CmdField& b : contract::kCmdFields) {
      if (&a >= &b || a.op != b.op) continue;
      EXPECT_NE(std::string(a.name), b.name) << Name(a) << " twice";
      const std::set<unsigned> ba = FieldBits(a), bb = FieldBits(b);
      bool overlap = false;
      for (unsigned x : ba) overlap = overlap || bb.count(x) != 0;
      if (!overlap) continue;
      const bool alias =
          std::string(a.when) != b.when ||
          (a.feature[0] != '\0' && b.feature[0] != '\0' && std::string(a.feature) != b.feature);
      EXPECT_TRUE(alias) << Name(a) << " and " << Name(b) << " share bits";
    }
  }
}

// Firmware encodes from the generated header alone: salsa_params.h's SetField over its field
// constants gives the driver's bytes.
TEST(CommandTest, GeneratedHeaderEncodesAsTheDriver) {
  namespace sp = salsa_params;
  auto words = [](const Command& c) {
    std::array<uint32_t, 8> w{};
    for (unsigned i = 0; i < 8; ++i) w[i] = CommandWord(c.data(), i);
    return w;
  };
  auto pack = [](unsigned op, std::initializer_list<std::pair<sp::CmdField, uint64_t>> fields) {
    uint32_t w[8] = {};
    sp::SetField(w, sp::kCmdOpcode, op);
    for (const auto& [f, v] : fields) sp::SetField(w, f, v);
    std::array<uint32_t, 8> out{};
    std::copy(w, w + 8, out.begin());
    return out;
  };
  EXPECT_EQ(
      words(EncodeLoad(contract::kTargetAcc, 0xFFFF, 3, 0x8000, 0xFFFFFFFF, 0x123456789ABCull)),
      pack(sp::kOpLoad, {{sp::kLoadTarget, 2},
                         {sp::kLoadSpAddr, 0xFFFF},
                         {sp::kLoadWordsPerRow, 3},
                         {sp::kLoadRows, 0x8000},
                         {sp::kLoadStride, 0xFFFFFFFF},
                         {sp::kLoadDramAddr, 0x123456789ABCull}}));
  EXPECT_EQ(words(EncodeCompute(true, true, 7, 0xFFFF, 1, -128, 9, true)),
            pack(sp::kOpCompute, {{sp::kComputeClear, 1},
                                  {sp::kComputeDrain, 1},
                                  {sp::kComputeAccumulate, 1},
                                  {sp::kComputeActAddr, 7},
                                  {sp::kComputeWeightAddr, 0xFFFF},
                                  {sp::kComputeK, 1},
                                  {sp::kComputeInZp, static_cast<uint8_t>(-128)},
                                  {sp::kComputeAccAddr, 9}}));
  EXPECT_EQ(words(EncodeStore(1, 2, 3, 4, 5, 6, INT32_MIN, -31, 127, -128, 127, 11)),
            pack(sp::kOpStore, {{sp::kStorePerChannel, 1},
                                {sp::kStoreMultAddr, 11},
                                {sp::kStoreAccAddr, 1},
                                {sp::kStoreRows, 2},
                                {sp::kStoreRowBytes, 3},
                                {sp::kStoreBiasAddr, 4},
                                {sp::kStoreStride, 5},
                                {sp::kStoreDramAddr, 6},
                                {sp::kStoreMultiplier, 0x80000000u},
                                {sp::kStoreShift, static_cast<uint8_t>(-31)},
                                {sp::kStoreOutZp, 127},
                                {sp::kStoreActMin, 0x80},
                                {sp::kStoreActMax, 127}}));
  // Every field the header lists is the contract's.
  for (const sp::CmdField& f : sp::kCmdFields) {
    const CmdField* c = contract::FindCmdField(f.op, f.name);
    ASSERT_NE(c, nullptr) << f.name;
    EXPECT_EQ(c->word, f.word);
    EXPECT_EQ(c->lsb, f.lsb);
    EXPECT_EQ(c->width, f.width);
    EXPECT_EQ(c->is_signed, f.is_signed);
  }
}

// manifest.json's `commands` lists exactly the opcodes and fields of the build.
TEST(CommandTest, ManifestCarriesTheBuildsFields) {
  auto manifest = [](const std::string& yaml) {
    for (const auto& f : Generate(ParseConfig("name: t\n" + yaml, "t.yaml"), "x")) {
      if (f.name == "manifest.json") return nlohmann::json::parse(f.text);
    }
    return nlohmann::json();
  };
  auto fields = [](const nlohmann::json& m, const std::string& op) {
    std::set<std::string> out;
    for (const auto& o : m["commands"]) {
      if (o["op"] == op) {
        for (const auto& f : o["fields"]) out.insert(f["name"].get<std::string>());
      }
    }
    return out;
  };
  const auto os = manifest(""), ws = manifest("array: {dataflow: ws}\n"),
             zs = manifest("sparsity: {zero_skip: true}\n");
  EXPECT_EQ(os["command_bytes"], contract::kCmdBytes);
  EXPECT_EQ(os["commands"].size(), 4u);  // no SCAN
  EXPECT_EQ(zs["commands"].size(), 5u);
  EXPECT_EQ(fields(os, "COMPUTE").count("accumulate"), 1u);
  EXPECT_EQ(fields(os, "COMPUTE").count("blocks"), 0u);
  EXPECT_EQ(fields(ws, "COMPUTE").count("accumulate"), 0u);
  EXPECT_EQ(fields(ws, "COMPUTE").count("blocks"), 1u);
  EXPECT_EQ(fields(zs, "COMPUTE").count("j0"), 1u);
  EXPECT_EQ(fields(zs, "LOAD").count("gather"), 1u);
  for (const auto& o : os["commands"]) {
    for (const auto& f : o["fields"]) {
      const CmdField* c =
          contract::FindCmdField(o["code"].get<unsigned>(), f["name"].get<std::string>().c_str());
      ASSERT_NE(c, nullptr);
      EXPECT_EQ(f["word"], c->word);
      EXPECT_EQ(f["lsb"], c->lsb);
      EXPECT_EQ(f["width"], c->width);
      EXPECT_EQ(f["signed"], c->is_signed);
    }
  }
}

// docs/architecture.md's command table is printed from the contract's table.
TEST(CommandTest, ArchitectureDocHasTheTable) {
  std::ifstream in(std::string(SALSA_SOURCE_DIR) + "/docs/architecture.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str(), begin = "<!-- commands:begin -->\n",
                    end = "<!-- commands:end -->";
  const size_t a = doc.find(begin), b = doc.find(end);
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  EXPECT_EQ(doc.substr(a + begin.size(), b - a - begin.size()), CommandTableMarkdown())
      << "docs/architecture.md: replace the table between the markers with:\n"
      << CommandTableMarkdown();
}

// The functional model decodes fields at their extremes: a LOAD to the last act words from a
// high DRAM address, then a STORE with signed parameters at their limits.
TEST(CommandTest, ModelDecodesFieldExtremes) {
  const HwParams hw = test::Hw(4, 4, 16, 8, 8, 4);
  test::Image img(0x20000);
  std::vector<uint8_t>& dram = img.dram;
  const uint64_t src = 0x1FFF0, out = 0x100;
  for (unsigned i = 0; i < 16; ++i) dram[src + i] = static_cast<uint8_t>(0x80 + i);
  // acc word 2 := row of 16 bytes from src (int32 lanes), bias word 3 := 0.
  // act words 4..7: two rows of 2 words
  img.Add(EncodeLoad(contract::kTargetAct, 4, 2, 2, 8, src));
  img.Add(EncodeLoad(contract::kTargetAcc, 2, 1, 1, 16, src));
  img.Add(EncodeStore(2, 1, 4, 3, 0, out, INT32_MAX, 0, -128, -128, 127));
  FuncSim sim(hw);
  const FuncSimResult r = img.Run(sim);
  ASSERT_TRUE(r.ok()) << r.err_detail;
  for (unsigned i = 0; i < 8; ++i) EXPECT_EQ(sim.act()[16 + i], 0x80 + i) << i;
  for (unsigned i = 0; i < 8; ++i) EXPECT_EQ(sim.act()[24 + i], 0x88 + i) << i;
  // A Q31 multiplier of INT32_MAX is (almost) 1: the acc lanes come back less 128, clamped.
  for (unsigned j = 0; j < 4; ++j) {
    const int32_t lane = static_cast<int32_t>(CommandWord(dram.data() + src, j));
    const int64_t want = std::min<int64_t>(127, std::max<int64_t>(-128, int64_t{lane} - 128));
    EXPECT_EQ(static_cast<int8_t>(dram[out + j]), want) << j;
  }
}

}  // namespace
}  // namespace salsa

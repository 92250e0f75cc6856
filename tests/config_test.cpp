// Unit tests for the YAML config loader (rtl-gen/src/config.cpp).
#include "salsa/config.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <string>

namespace salsa {
namespace {

// Runs ParseConfig on text that must fail and returns the message ("" if it did not throw).
std::string ErrorOf(const std::string& yaml, const std::string& path = "bad.yaml") {
  try {
    ParseConfig(yaml, path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigTest, Defaults) {
  const Config cfg = ParseConfig("name: default\n", "default.yaml");
  EXPECT_EQ(cfg.name, "default");
  EXPECT_EQ(cfg.rows, 16u);
  EXPECT_EQ(cfg.cols, 16u);
  EXPECT_EQ(cfg.dataflow, Dataflow::kOutputStationary);
  EXPECT_EQ(cfg.axi_data_bits, 128u);
  EXPECT_EQ(cfg.axi_addr_bits, 32u);
  EXPECT_EQ(cfg.axi_id_bits, 4u);
  EXPECT_EQ(cfg.axi_max_outstanding, 16u);  // 256 beats in flight / 16 beats per burst
  EXPECT_EQ(cfg.axi_max_burst, 16u);
  EXPECT_EQ(cfg.BusBytes(), 16u);
  EXPECT_EQ(cfg.act.banks, 2u);
  EXPECT_EQ(cfg.act.depth, 2048u);  // 4096 words / 2 banks
  EXPECT_EQ(cfg.act.width_bits, 128u);
  EXPECT_EQ(cfg.weight.banks, 2u);
  EXPECT_EQ(cfg.weight.depth, 2048u);
  EXPECT_EQ(cfg.weight.width_bits, 128u);
  EXPECT_EQ(cfg.acc.banks, 1u);
  EXPECT_EQ(cfg.acc.depth, 512u);  // 32 words per row
  EXPECT_EQ(cfg.acc.width_bits, 512u);
  EXPECT_EQ(cfg.acc.Words(), 512u);
  EXPECT_TRUE(cfg.gating);
  EXPECT_FALSE(cfg.pipeline_requant);
  EXPECT_EQ(cfg.source_text, "name: default\n");
  EXPECT_EQ(cfg.source_path, "default.yaml");
  EXPECT_STREQ(DataflowName(cfg.dataflow), "os");
}

TEST(ConfigTest, NonSquareDerivedWidths) {
  const Config cfg = ParseConfig("name: rect\narray:\n  rows: 4\n  cols: 8\n", "rect.yaml");
  EXPECT_EQ(cfg.rows, 4u);
  EXPECT_EQ(cfg.cols, 8u);
  EXPECT_EQ(cfg.act.width_bits, 32u);     // rows * 8
  EXPECT_EQ(cfg.weight.width_bits, 64u);  // cols * 8
  EXPECT_EQ(cfg.acc.width_bits, 256u);    // cols * 32
  EXPECT_EQ(cfg.acc.depth, 128u);         // 32 * 4 words
  EXPECT_EQ(cfg.acc.banks, 1u);
}

TEST(ConfigTest, AccDefaultDepthFollowsRowsAndZeroSkip) {
  EXPECT_EQ(ParseConfig("name: a\narray: {rows: 1}\n", "a.yaml").acc.depth, 32u);
  EXPECT_EQ(ParseConfig("name: a\narray: {rows: 12}\n", "a.yaml").acc.depth, 512u);   // 384
  EXPECT_EQ(ParseConfig("name: a\narray: {rows: 20}\n", "a.yaml").acc.depth, 1024u);  // 640
  EXPECT_EQ(ParseConfig("name: a\narray: {rows: 32}\n", "a.yaml").acc.depth, 1024u);
  EXPECT_EQ(ParseConfig("name: a\narray: {rows: 64}\n", "a.yaml").acc.depth, 2048u);
  EXPECT_EQ(ParseConfig("name: a\nsparsity: {zero_skip: true}\n", "a.yaml").acc.depth, 1024u);
  // The depth is per bank: banks * depth keeps the words.
  EXPECT_EQ(ParseConfig("name: a\nsram: {acc: {banks: 4}}\n", "a.yaml").acc.depth, 128u);
  EXPECT_EQ(ParseConfig("name: a\nsram: {acc: {banks: 3}}\n", "a.yaml").acc.depth, 256u);
  // An explicit depth wins.
  EXPECT_EQ(ParseConfig("name: a\nsram: {acc: {depth: 64}}\n", "a.yaml").acc.depth, 64u);
}

// Zero-skip with S > 1 K slices (derived from a bus wider than cols bytes, or stated): at least
// the regions (ceil(rows / S) words and a parameter word a tile) of a 4096-output GEMV.
TEST(ConfigTest, SramEcc) {
  EXPECT_FALSE(ParseConfig("name: a\n", "a.yaml").sram_ecc);
  EXPECT_FALSE(ParseConfig("name: a\nsram:\n  ecc: none\n", "a.yaml").sram_ecc);
  const Config ecc = ParseConfig("name: a\nsram:\n  ecc: secded\n", "a.yaml");
  EXPECT_TRUE(ecc.sram_ecc);
  // Printed only when on, so configs without the key keep their hash; the canonical text parses
  // back to the same config.
  EXPECT_EQ(CanonicalConfig(ParseConfig("name: a\n", "a.yaml")),
            CanonicalConfig(ParseConfig("name: a\nsram:\n  ecc: none\n", "a.yaml")));
  EXPECT_NE(CanonicalConfig(ecc).find("  ecc: secded\n"), std::string::npos);
  EXPECT_EQ(CanonicalConfig(ParseConfig(CanonicalConfig(ecc), "b.yaml")), CanonicalConfig(ecc));
  const std::string e = ErrorOf("name: a\nsram:\n  ecc: parity\n");
  EXPECT_NE(e.find("bad.yaml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("sram.ecc"), std::string::npos) << e;
  EXPECT_NE(e.find("none, secded"), std::string::npos) << e;
}

TEST(ConfigTest, AccDefaultDepthFollowsZeroSkipKSlices) {
  const auto depth = [](const std::string& rest) {
    const Config c = ParseConfig("name: a\nsparsity: {zero_skip: true}\n" + rest, "a.yaml");
    return std::make_pair(c.gemv_slices, c.acc.depth);
  };
  using P = std::pair<unsigned, unsigned>;
  EXPECT_EQ(depth("axi: {data_bits: 128}\n"), P(1, 1024));    // 16 B = cols: no slices
  EXPECT_EQ(depth("axi: {data_bits: 256}\n"), P(4, 2048));    // 256 * 5 = 1280
  EXPECT_EQ(depth("axi: {data_bits: 512}\n"), P(8, 1024));    // 256 * 3 = 768 < 64 * 16
  EXPECT_EQ(depth("array: {gemv_slices: 2}\n"), P(2, 4096));  // 256 * 9 = 2304
  EXPECT_EQ(depth("array: {rows: 8, cols: 8}\naxi: {data_bits: 128}\n"), P(4, 2048));  // 1536
  EXPECT_EQ(depth("array: {rows: 32, cols: 32}\naxi: {data_bits: 512}\n"), P(4, 2048));
  EXPECT_EQ(depth("axi: {data_bits: 256}\nsram: {acc: {banks: 4}}\n"), P(4, 512));
  // 64 x 2 on a 512-bit bus: 64 slices, 2048 tiles of 2 words.
  EXPECT_EQ(depth("array: {rows: 64, cols: 2}\naxi: {data_bits: 512}\n"), P(64, 4096));
  // Without zero_skip the slices leave the depth alone; an explicit depth wins.
  EXPECT_EQ(ParseConfig("name: a\naxi: {data_bits: 256}\n", "a.yaml").acc.depth, 512u);
  EXPECT_EQ(depth("axi: {data_bits: 256}\nsram: {acc: {depth: 1024}}\n"), P(4, 1024));
}

// With K slices a GEMV's weight stream brings min(S * cols, bus bytes) / cols words a cycle, and
// the derived weight depth holds 4096 words for each (a chunk of half the scratchpad lasts 2048
// cycles); without slices, or with an explicit depth, it is as before.
TEST(ConfigTest, WeightDefaultDepthFollowsTheGemvStream) {
  const auto words = [](const std::string& rest) {
    const Config c = ParseConfig("name: a\n" + rest, "a.yaml");
    return std::make_pair(c.gemv_slices, c.weight.Words());
  };
  using P = std::pair<unsigned, unsigned>;
  EXPECT_EQ(words("axi: {data_bits: 128}\n"), P(1, 4096));   // 16 B = cols: no slices
  EXPECT_EQ(words("axi: {data_bits: 256}\n"), P(4, 8192));   // 32 B: 2 words a cycle
  EXPECT_EQ(words("axi: {data_bits: 512}\n"), P(8, 16384));  // 64 B: 4 words a cycle
  EXPECT_EQ(words("axi: {data_bits: 512}\narray: {gemv_slices: 2}\n"), P(2, 8192));  // 32 B
  EXPECT_EQ(words("axi: {data_bits: 512}\narray: {gemv_slices: 1}\n"), P(1, 4096));
  EXPECT_EQ(words("array: {rows: 8, cols: 8}\naxi: {data_bits: 128}\n"), P(4, 8192));
  EXPECT_EQ(words("axi: {data_bits: 512}\nsram: {weight: {banks: 1}}\n"), P(8, 16384));
  EXPECT_EQ(words("axi: {data_bits: 512}\nsram: {weight: {depth: 1024}}\n"), P(8, 2048));
  // 2 columns on a 512-bit bus: 32 words a cycle, capped at the 16-bit word address space.
  EXPECT_EQ(words("array: {rows: 64, cols: 2}\naxi: {data_bits: 512}\n"), P(64, 65536));
}

// The canonical text parses back to the same config: an explicit gemv_slices: 1 that overrides
// a derived 4 (256-bit bus on 16 columns) is printed; where 1 is the derived value it is not.
TEST(ConfigTest, CanonicalGemvSlicesRoundTrips) {
  const Config off = ParseConfig("name: a\naxi: {data_bits: 256}\narray: {gemv_slices: 1}\n", "a");
  const std::string text = CanonicalConfig(off);
  EXPECT_NE(text.find("  gemv_slices: 1\n"), std::string::npos);
  EXPECT_EQ(ParseConfig(text, "c").gemv_slices, 1u);
  EXPECT_EQ(CanonicalConfig(ParseConfig(text, "c")), text);
  const Config derived = ParseConfig("name: a\naxi: {data_bits: 256}\n", "a");
  EXPECT_EQ(derived.gemv_slices, 4u);
  EXPECT_NE(ConfigHash(derived), ConfigHash(off));
  EXPECT_EQ(CanonicalConfig(ParseConfig("name: a\n", "a")).find("gemv_slices"), std::string::npos);
}

// axi.timeout_cycles: 0 (off, the default: same canonical text and hash) or 64..2^24.
TEST(ConfigTest, AxiTimeoutCycles) {
  const Config off = ParseConfig("name: a\n", "a.yaml");
  EXPECT_EQ(off.axi_timeout_cycles, 0u);
  const Config zero = ParseConfig("name: a\naxi: {timeout_cycles: 0}\n", "a.yaml");
  EXPECT_EQ(ConfigHash(zero), ConfigHash(off));
  const Config on = ParseConfig("name: a\naxi: {timeout_cycles: 1024}\n", "a.yaml");
  EXPECT_EQ(on.axi_timeout_cycles, 1024u);
  EXPECT_NE(ConfigHash(on), ConfigHash(off));
  EXPECT_NE(CanonicalConfig(on).find("  timeout_cycles: 1024\n"), std::string::npos);
  EXPECT_EQ(CanonicalConfig(off).find("timeout_cycles"), std::string::npos);
  for (const char* bad : {"10", "63", "16777217", "-1"}) {
    try {
      ParseConfig(std::string("name: a\naxi: {timeout_cycles: ") + bad + "}\n", "a.yaml");
      ADD_FAILURE() << bad << " accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("a.yaml:2:"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("axi.timeout_cycles"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("accepted: 0 (off) or 64..16777216 cycles"),
                std::string::npos)
          << e.what();
    }
  }
}

TEST(ConfigTest, DerivedOperandDepthsAndOutstanding) {
  const Config one = ParseConfig("name: a\nsram: {act: {banks: 1}, weight: {banks: 8}}\n", "a");
  EXPECT_EQ(one.act.Words(), 4096u);
  EXPECT_EQ(one.weight.depth, 512u);
  EXPECT_EQ(ParseConfig("name: a\nsram: {act: {banks: 3}}\n", "a").act.depth, 2048u);
  EXPECT_EQ(ParseConfig("name: a\nsram: {weight: {depth: 64}}\n", "a").weight.depth, 64u);
  // max_outstanding covers 256 beats: ceil(256 / max_burst), clamped to 2..16.
  EXPECT_EQ(ParseConfig("name: a\naxi: {max_burst: 32, data_bits: 64}\n", "a").axi_max_outstanding,
            8u);
  EXPECT_EQ(ParseConfig("name: a\naxi: {max_burst: 256}\n", "a").axi_max_outstanding, 2u);
  EXPECT_EQ(ParseConfig("name: a\naxi: {max_burst: 1}\n", "a").axi_max_outstanding, 16u);
  EXPECT_EQ(ParseConfig("name: a\naxi: {max_burst: 48}\n", "a").axi_max_outstanding, 6u);
  EXPECT_EQ(ParseConfig("name: a\naxi: {max_outstanding: 3}\n", "a").axi_max_outstanding, 3u);
}

// The config that states only the array and the bus derives the default preset's sizes, so
// `name: default` and configs/default.yaml describe the same accelerator.
TEST(ConfigTest, MinimalConfigDerivesThePresetSizes) {
  const std::string preset = R"(name: default
array: {rows: 16, cols: 16, dataflow: os}
axi: {data_bits: 128, max_outstanding: 16}
sram:
  act: {banks: 2, depth: 2048}
  weight: {banks: 2, depth: 2048}
  acc: {banks: 1, depth: 512}
)";
  EXPECT_EQ(ConfigHash(ParseConfig("name: default\n", "d")), ConfigHash(ParseConfig(preset, "p")));
  const std::string sparse = R"(name: s
axi: {max_outstanding: 16}
sram:
  act: {banks: 2, depth: 2048}
  weight: {banks: 2, depth: 2048}
  acc: {banks: 1, depth: 1024}
sparsity: {zero_skip: true}
)";
  EXPECT_EQ(ConfigHash(ParseConfig("name: s\nsparsity: {zero_skip: true}\n", "s")),
            ConfigHash(ParseConfig(sparse, "p")));
}

TEST(ConfigTest, FullExampleWithConsistentWidths) {
  const char* kYaml = R"(# every key given
name: edge_8x4
array:
  rows: 8
  cols: 4
  dataflow: os
axi:
  data_bits: 64
  addr_bits: 40
  id_bits: 2
  max_outstanding: 8
  max_burst: 256
sram:
  act:    {banks: 4, depth: 2048, width_bits: 64}
  weight: {banks: 1, depth: 65536, width_bits: 32}
  acc:    {banks: 2, depth: 16, width_bits: 128}
sparsity:
  gating: false
)";
  const Config cfg = ParseConfig(kYaml, "full.yaml");
  EXPECT_EQ(cfg.name, "edge_8x4");
  EXPECT_EQ(cfg.rows, 8u);
  EXPECT_EQ(cfg.cols, 4u);
  EXPECT_EQ(cfg.axi_data_bits, 64u);
  EXPECT_EQ(cfg.axi_addr_bits, 40u);
  EXPECT_EQ(cfg.axi_id_bits, 2u);
  EXPECT_EQ(cfg.axi_max_outstanding, 8u);
  EXPECT_EQ(cfg.axi_max_burst, 256u);  // 256 * 8 bytes = 2 KB
  EXPECT_EQ(cfg.act.banks, 4u);
  EXPECT_EQ(cfg.act.depth, 2048u);
  EXPECT_EQ(cfg.act.width_bits, 64u);
  EXPECT_EQ(cfg.weight.Words(), 65536u);
  EXPECT_EQ(cfg.weight.width_bits, 32u);
  EXPECT_EQ(cfg.acc.Words(), 32u);
  EXPECT_EQ(cfg.acc.width_bits, 128u);
  EXPECT_FALSE(cfg.gating);
}

TEST(ConfigTest, PartialScratchpadTakesDefaults) {
  const Config cfg = ParseConfig("name: p\nsram:\n  act: {banks: 4}\n  acc: {}\n", "p.yaml");
  EXPECT_EQ(cfg.act.banks, 4u);
  EXPECT_EQ(cfg.act.depth, 1024u);  // 4096 words / 4 banks
  EXPECT_EQ(cfg.act.width_bits, 128u);
  EXPECT_EQ(cfg.acc.banks, 1u);
  EXPECT_EQ(cfg.acc.depth, 512u);
}

TEST(ConfigTest, EmptySectionsMeanDefaults) {
  const Config cfg = ParseConfig("name: e\narray:\naxi:\nsram:\nsparsity:\n", "e.yaml");
  EXPECT_EQ(ConfigHash(cfg), ConfigHash(ParseConfig("name: e\n", "e.yaml")));
}

TEST(ConfigTest, BoolSpellingsAcceptedByYamlCpp) {
  EXPECT_FALSE(ParseConfig("name: b\nsparsity: {gating: no}\n", "b.yaml").gating);
  EXPECT_TRUE(ParseConfig("name: b\nsparsity: {gating: yes}\n", "b.yaml").gating);
  EXPECT_FALSE(ParseConfig("name: b\n", "b.yaml").zero_skip);
  EXPECT_TRUE(ParseConfig("name: b\nsparsity: {zero_skip: true}\n", "b.yaml").zero_skip);
  EXPECT_FALSE(ParseConfig("name: b\nsparsity: {gating: off}\n", "b.yaml").gating);
  EXPECT_TRUE(ParseConfig("name: b\nsparsity: {gating: True}\n", "b.yaml").gating);
}

TEST(ConfigTest, QuotedNameAndDataflowAccepted) {
  const Config cfg = ParseConfig("name: \"q_1\"\narray: {dataflow: 'os'}\n", "q.yaml");
  EXPECT_EQ(cfg.name, "q_1");
}

TEST(ConfigTest, CanonicalTextOfDefaults) {
  const std::string expected =
      "name: default\n"
      "array:\n"
      "  rows: 16\n"
      "  cols: 16\n"
      "  dataflow: os\n"
      "axi:\n"
      "  data_bits: 128\n"
      "  addr_bits: 32\n"
      "  id_bits: 4\n"
      "  max_outstanding: 16\n"
      "  max_burst: 16\n"
      "  cache: 3\n"
      "  prot: 0\n"
      "  qos: 0\n"
      "sram:\n"
      "  act:\n"
      "    banks: 2\n"
      "    depth: 2048\n"
      "    width_bits: 128\n"
      "  weight:\n"
      "    banks: 2\n"
      "    depth: 2048\n"
      "    width_bits: 128\n"
      "  acc:\n"
      "    banks: 1\n"
      "    depth: 512\n"
      "    width_bits: 512\n"
      "sparsity:\n"
      "  gating: true\n"
      "  zero_skip: false\n"
      "  structured: none\n"
      "pipeline:\n"
      "  axi_read_reg: true\n"
      "  requant: false\n";
  const Config cfg = ParseConfig("name: default\n", "d.yaml");
  EXPECT_EQ(CanonicalConfig(cfg), expected);
  // The canonical text is itself a valid config with the same canonical form.
  EXPECT_EQ(CanonicalConfig(ParseConfig(expected, "canon.yaml")), expected);
}

TEST(ConfigTest, HashIsSixteenLowercaseHexDigits) {
  const std::string h = ConfigHash(ParseConfig("name: default\n", "d.yaml"));
  ASSERT_EQ(h.size(), 16u);
  for (char c : h)
    EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f')) << h;
}

TEST(ConfigTest, HashIgnoresCommentsOrderAndOmittedDefaults) {
  const char* kMinimal = "name: default\n";
  const char* kReordered = R"(# the default accelerator, spelled out
sparsity: {gating: true}   # gate zero activations
sram:
  acc: {width_bits: 512, banks: 1}
  weight:
    depth: 2048
  act: {}
axi:
  max_burst: 16
  data_bits: 128
array:
  dataflow: os
  cols: 16
  rows: 16
name: default  # last
)";
  const Config a = ParseConfig(kMinimal, "a.yaml");
  const Config b = ParseConfig(kReordered, "b.yaml");
  EXPECT_NE(a.source_text, b.source_text);
  EXPECT_EQ(CanonicalConfig(a), CanonicalConfig(b));
  EXPECT_EQ(ConfigHash(a), ConfigHash(b));
}

TEST(ConfigTest, HashChangesWithAnyValue) {
  const std::string base = ConfigHash(ParseConfig("name: default\n", "d.yaml"));
  const char* kVariants[] = {
      "name: other\n",
      "name: default\narray: {rows: 8}\n",
      "name: default\narray: {cols: 8}\n",
      "name: default\naxi: {data_bits: 256}\n",
      "name: default\naxi: {addr_bits: 40}\n",
      "name: default\naxi: {id_bits: 5}\n",
      "name: default\naxi: {max_outstanding: 8}\n",
      "name: default\naxi: {max_burst: 8}\n",
      "name: default\nsram: {act: {banks: 1}}\n",
      "name: default\nsram: {weight: {depth: 1024}}\n",
      "name: default\nsram: {acc: {depth: 128}}\n",
      "name: default\nsparsity: {zero_skip: true}\n",
      "name: default\nsparsity: {gating: false}\n",
      "name: default\npipeline: {requant: true}\n",
      "name: default\naxi: {cache: 15}\n",
      "name: default\naxi: {prot: 2}\n",
      "name: default\naxi: {qos: 1}\n",
      "name: default\npipeline: {axi_read_reg: false}\n",
  };
  for (const char* yaml : kVariants) {
    EXPECT_NE(ConfigHash(ParseConfig(yaml, "v.yaml")), base) << yaml;
  }
}

// ---- Bad inputs: exact "<file>:<line>:<col>: <key>: " prefix plus a distinctive fragment. ----

struct BadCase {
  const char* label;     // test name suffix
  const char* yaml;      // input
  const char* line_col;  // expected "line:col"
  const char* key;       // expected dotted key
  const char* fragment;  // expected part of the problem/accepted text
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.label; }

class ConfigBadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigBadInputTest, ReportsKeyPositionAndProblem) {
  const BadCase& c = GetParam();
  const std::string msg = ErrorOf(c.yaml);
  ASSERT_FALSE(msg.empty()) << "no ConfigError for:\n" << c.yaml;
  const std::string prefix = std::string("bad.yaml:") + c.line_col + ": " + c.key + ": ";
  EXPECT_EQ(msg.rfind(prefix, 0), 0u) << "message: " << msg << "\nexpected prefix: " << prefix;
  EXPECT_NE(msg.find(c.fragment), std::string::npos)
      << "message: " << msg << "\nexpected fragment: " << c.fragment;
  EXPECT_NE(msg.find("; accepted: "), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << "not one line: " << msg;
}

const BadCase kBadCases[] = {
    // Document level.
    {"EmptyFile", "", "1:1", "(document)", "empty document"},
    {"OnlyComments", "# nothing here\n", "1:1", "(document)", "empty document"},
    {"TopLevelSequence", "- name\n- x\n", "1:1", "(document)", "top level is a sequence"},
    {"TopLevelScalar", "hello\n", "1:1", "(document)", "top level is 'hello', not a map"},
    {"SyntaxErrorBadIndent", "name: x\narray:\n  rows: 4\n cols: 4\n", "4:2", "(document)",
     "YAML syntax error: end of map not found"},
    {"SyntaxErrorTab", "name: x\n\tarray: {}\n", "2:1", "(document)", "YAML syntax error"},
    {"TwoDocuments", "name: a\n---\nname: b\n", "3:1", "(document)", "more than one YAML document"},
    // Keys.
    {"UnknownTopKey", "name: x\nsparse: {}\n", "2:1", "sparse",
     "unknown key 'sparse'; accepted: name, clock_mhz, array, axi, sram, sparsity, precision, "
     "pipeline, fpga"},
    {"PrecisionUnknown", "name: x\nprecision: [int8, fp4]\n", "2:19", "precision",
     "unknown precision 'fp4'; accepted: a list of int8, int4w, fp8_e4m3, fp8_e5m2"},
    {"PrecisionNotList", "name: x\nprecision: int8\n", "2:12", "precision",
     "wrong type: expected a list"},
    {"PrecisionNoInt8", "name: x\nprecision: [fp8_e4m3]\n", "2:12", "precision",
     "the list must include int8"},
    {"PrecisionDuplicate", "name: x\nprecision: [int8, int8]\n", "2:19", "precision",
     "duplicate 'int8'"},
    {"PrecisionWs", "name: x\narray: {dataflow: ws}\nprecision: [int8, fp8_e5m2]\n", "3:12",
     "precision", "need array.dataflow: os"},
    {"PrecisionInt4OddRows", "name: x\narray: {rows: 5}\nprecision: [int8, int4w]\n", "3:12",
     "precision", "int4w needs an even array.rows (rows = 5"},
    {"GemvSlicesNotPow2", "name: x\narray: {gemv_slices: 3}\n", "2:22", "array.gemv_slices",
     "3 is not a power of two dividing array.rows = 16"},
    {"GemvSlicesWs", "name: x\narray: {dataflow: ws, gemv_slices: 4}\n", "2:36",
     "array.gemv_slices", "K slices need array.dataflow: os"},
    {"GemvSlices24", "name: x\narray: {gemv_slices: 2}\nsparsity: {structured: \"2:4\"}\n", "2:22",
     "array.gemv_slices", "not supported with 2:4"},
    {"GemvSlicesDepth",
     "name: x\narray: {rows: 64, gemv_slices: 32}\nsram: {weight: {depth: 16}}\n", "2:32",
     "array.gemv_slices", "sram.weight.depth 16 is not a multiple of it"},
    {"UnknownPipelineKey", "name: x\npipeline: {requant: true, pe_slice: 2}\n", "2:27",
     "pipeline.pe_slice", "unknown key 'pe_slice'; accepted: axi_read_reg, requant"},
    {"PipelineRequantNotBool", "name: x\npipeline:\n  requant: 3\n", "3:12", "pipeline.requant",
     "accepted: true, false"},
    {"UnknownArrayKey", "name: x\narray:\n  rowz: 4\n", "3:3", "array.rowz",
     "(did you mean 'rows'?); accepted: rows, cols, dataflow"},
    {"StructuredUnknown", "name: x\nsparsity:\n  structured: \"1:4\"\n", "3:15",
     "sparsity.structured", "unknown structured sparsity '1:4'"},
    {"StructuredNeedsCols4", "name: x\narray: {cols: 6}\nsparsity:\n  structured: \"2:4\"\n",
     "4:15", "sparsity.structured", "2:4 needs array.cols to be a multiple of 4"},
    {"StructuredNotWithZeroSkip", "name: x\nsparsity:\n  zero_skip: true\n  structured: \"2:4\"\n",
     "4:15", "sparsity.structured", "2:4 and zero_skip together are not supported"},
    {"ZeroSkipNeedsOs", "name: x\narray: {dataflow: ws}\nsparsity:\n  zero_skip: true\n", "4:14",
     "sparsity.zero_skip", "zero_skip needs array.dataflow: os"},
    {"UnknownScratchpadKey", "name: x\nsram:\n  acc: {banks: 1, size: 4}\n", "3:19",
     "sram.acc.size", "accepted: banks, depth, width_bits"},
    {"UnknownScratchpad", "name: x\nsram:\n  bias: {}\n", "3:3", "sram.bias",
     "accepted: act, weight, acc, macro, macro_name"},
    {"DuplicateKey", "name: x\narray:\n  rows: 4\n  rows: 8\n", "4:3", "array.rows",
     "duplicate key (first given at 3:3)"},
    {"MissingName", "array: {rows: 4}\n", "1:1", "name", "missing required key"},
    {"MissingNameAfterComment", "# c\n\naxi: {}\n", "3:1", "name", "missing required key"},
    // Name.
    {"NameUppercase", "name: Big\n", "1:7", "name", "invalid characters in name 'Big'"},
    {"NameDash", "name: my-acc\n", "1:7", "name", "accepted: [a-z][a-z0-9_]*, 1..32 characters"},
    {"NameLeadingDigit", "name: 8x8\n", "1:7", "name", "invalid characters in name '8x8'"},
    {"NameTooLong", "name: abcdefghijabcdefghijabcdefghijabc\n", "1:7", "name",
     "is too long (33 characters)"},
    {"NameEmpty", "name: ''\n", "1:7", "name", "empty name"},
    {"NameNoValue", "name:\narray: {}\n", "1:1", "name", "missing value"},
    {"NameIsMap", "name: {a: 1}\n", "1:7", "name", "expected a string, got a map"},
    // Types and strict integers.
    {"SectionIsScalar", "name: x\naxi: 5\n", "2:6", "axi", "expected a map, got '5'"},
    {"SectionIsSequence", "name: x\narray: [4, 4]\n", "2:8", "array",
     "expected a map, got a sequence"},
    {"IntegerIsString", "name: x\narray:\n  rows: four\n", "3:9", "array.rows",
     "expected a decimal integer, got 'four'; accepted: 1..64"},
    {"IntegerWithSuffix", "name: x\narray:\n  cols: 12abc\n", "3:9", "array.cols",
     "expected a decimal integer, got '12abc'"},
    {"IntegerIsFloat", "name: x\narray:\n  rows: 16.5\n", "3:9", "array.rows",
     "not an integer: '16.5'"},
    {"IntegerIsExponent", "name: x\naxi: {addr_bits: 4e1}\n", "2:18", "axi.addr_bits",
     "not an integer: '4e1'"},
    {"IntegerNegative", "name: x\naxi:\n  id_bits: -1\n", "3:12", "axi.id_bits",
     "negative value '-1' for an unsigned field"},
    {"IntegerQuoted", "name: x\narray:\n  rows: \"16\"\n", "3:9", "array.rows",
     "got the string '16' (remove the quotes)"},
    {"IntegerIsMap", "name: x\narray:\n  rows: {value: 4}\n", "3:9", "array.rows",
     "expected an integer, got a map"},
    {"IntegerIsSequence", "name: x\naxi:\n  max_burst: [16]\n", "3:14", "axi.max_burst",
     "expected an integer, got a sequence"},
    {"IntegerHex", "name: x\naxi: {addr_bits: 0x20}\n", "2:18", "axi.addr_bits",
     "expected a decimal integer, got '0x20'"},
    {"IntegerLeadingZero", "name: x\naxi: {addr_bits: 040}\n", "2:18", "axi.addr_bits",
     "leading zero in '040'"},
    {"IntegerHuge", "name: x\naxi: {addr_bits: 99999999999999999999}\n", "2:18", "axi.addr_bits",
     "is out of range; accepted: 32..64"},
    {"IntegerMissingValue", "name: x\narray:\n  rows:\n  cols: 4\n", "3:3", "array.rows",
     "missing value"},
    {"BoolIsWord", "name: x\nsparsity:\n  gating: maybe\n", "3:11", "sparsity.gating",
     "expected a bool, got 'maybe'; accepted: true, false"},
    {"BoolIsNumber", "name: x\nsparsity: {gating: 1}\n", "2:20", "sparsity.gating",
     "expected a bool, got '1'"},
    {"BoolQuoted", "name: x\nsparsity: {gating: 'true'}\n", "2:20", "sparsity.gating",
     "expected a bool, got the string 'true'"},
    // Ranges.
    {"RowsZero", "name: x\narray: {rows: 0}\n", "2:15", "array.rows",
     "value '0' is out of range; accepted: 1..64"},
    {"ColsTooBig", "name: x\narray: {cols: 65}\n", "2:15", "array.cols", "'65' is out of range"},
    {"DataBitsUnsupported", "name: x\naxi:\n  data_bits: 96\n", "3:14", "axi.data_bits",
     "unsupported bus width 96; accepted: 64, 128, 256, 512"},
    {"AddrBitsTooSmall", "name: x\naxi: {addr_bits: 31}\n", "2:18", "axi.addr_bits",
     "accepted: 32..64"},
    {"IdBitsTooBig", "name: x\naxi: {id_bits: 9}\n", "2:16", "axi.id_bits", "accepted: 1..8"},
    {"OutstandingTooSmall", "name: x\naxi: {max_outstanding: 1}\n", "2:24", "axi.max_outstanding",
     "accepted: 2..16"},
    {"BurstTooLong", "name: x\naxi: {max_burst: 257}\n", "2:18", "axi.max_burst",
     "accepted: 1..256"},
    {"CacheTooBig", "name: x\naxi: {cache: 16}\n", "2:14", "axi.cache", "accepted: 0..15"},
    {"ProtTooBig", "name: x\naxi: {prot: 8}\n", "2:13", "axi.prot", "accepted: 0..7"},
    {"QosTooBig", "name: x\naxi: {qos: 16}\n", "2:12", "axi.qos", "accepted: 0..15"},
    {"AxiReadRegNotBool", "name: x\npipeline: {axi_read_reg: maybe}\n", "2:26",
     "pipeline.axi_read_reg", "expected a bool"},
    {"PortsUnsupported", "name: x\naxi:\n  ports: 3\n", "3:10", "axi.ports", "1, 2, 4, 8, 16"},
    {"PortsZero", "name: x\naxi:\n  ports: 0\n", "3:10", "axi.ports", "1, 2, 4, 8, 16"},
    {"PortsBurstExceeds4KB", "name: x\naxi:\n  data_bits: 256\n  ports: 4\n  max_burst: 64\n",
     "5:14", "axi.max_burst", "and ports 4"},
    {"PortsOnBoard", "name: x\naxi: {ports: 2}\nfpga: {board: zcu104}\n", "3:15", "fpga.board",
     "but axi.ports is 2; accepted: none, zcu104 (needs axi.data_bits 128, axi.ports 1"},
    {"BurstExceeds4KB", "name: x\naxi:\n  data_bits: 512\n  max_burst: 128\n", "4:14",
     "axi.max_burst",
     "128 beats x 64 bytes = 8192 bytes exceeds 4 KB; accepted: 1..64 for data_bits 512"},
    {"BanksZero", "name: x\nsram:\n  act: {banks: 0}\n", "3:16", "sram.act.banks",
     "accepted: 1..8"},
    {"BanksTooMany", "name: x\nsram:\n  weight: {banks: 9}\n", "3:19", "sram.weight.banks",
     "'9' is out of range"},
    {"DepthNotPowerOfTwo", "name: x\nsram:\n  weight:\n    depth: 1000\n", "4:12",
     "sram.weight.depth", "1000 is not a power of two; accepted: a power of two in 16..65536"},
    {"DepthTooSmall", "name: x\nsram:\n  act: {depth: 8}\n", "3:16", "sram.act.depth",
     "'8' is out of range; accepted: a power of two in 16..65536"},
    {"DepthTooLarge", "name: x\nsram:\n  act: {depth: 131072}\n", "3:16", "sram.act.depth",
     "is out of range"},
    {"ScratchpadTooManyWords", "name: x\nsram:\n  act: {banks: 2, depth: 65536}\n", "3:8",
     "sram.act", "2*65536 = 131072 words exceeds the 16-bit scratchpad word address space"},
    {"AccTooSmall", "name: x\narray: {rows: 16}\nsram:\n  acc: {depth: 16}\n", "4:8", "sram.acc",
     "16 words is too small for 16 array rows (a bias word, one word per row, a multiplier and a "
     "shift word); accepted: banks*depth >= rows+3 = 19"},
    {"WsWeightTooSmall",
     "name: x\narray: {rows: 32, dataflow: ws}\nsram:\n  weight: {banks: 1, depth: 16}\n", "4:11",
     "sram.weight",
     "16 words is too small for 32 array rows with array.dataflow: ws (a K block's weights, one "
     "word per row, are loaded at once); accepted: banks*depth >= rows = 32 with ws"},
    // Derived widths and dataflow.
    {"ActWidthInconsistent", "name: x\narray: {rows: 4, cols: 8}\nsram:\n  act: {width_bits: 64}\n",
     "4:21", "sram.act.width_bits",
     "inconsistent width_bits 64: the array needs array.rows * 8 = 32; accepted: 32"},
    {"WeightWidthInconsistent",
     "name: x\narray: {cols: 8}\nsram:\n  weight:\n    width_bits: 128\n", "5:17",
     "sram.weight.width_bits", "inconsistent width_bits 128"},
    {"AccWidthInconsistent", "name: x\nsram: {acc: {width_bits: 128}}\n", "2:26",
     "sram.acc.width_bits", "the array needs array.cols * 32 = 512; accepted: 512"},
    {"DataflowUnknown", "name: x\narray:\n  dataflow: rs\n", "3:13", "array.dataflow",
     "unknown dataflow 'rs'; accepted: os, ws"},
    // Flow keys: clock_mhz, sram.macro, sram.macro_name, fpga.part.
    {"ClockTooSlow", "name: x\nclock_mhz: 5\n", "2:12", "clock_mhz",
     "'5' is out of range; accepted: 10..1000 (MHz)"},
    {"ClockNotInteger", "name: x\nclock_mhz: 133.3\n", "2:12", "clock_mhz", "not an integer"},
    {"SramMacroUnknown", "name: x\nsram: {macro: sram}\n", "2:15", "sram.macro",
     "unknown SRAM organisation 'sram'; accepted: inferred, blackbox"},
    {"SramMacroNameInvalid", "name: x\nsram: {macro: blackbox, macro_name: 9rf}\n", "2:37",
     "sram.macro_name", "invalid macro name '9rf'"},
    {"SramMacroNameReserved", "name: x\nsram: {macro: blackbox, macro_name: salsa_sram}\n", "2:37",
     "sram.macro_name", "uses the generated modules' prefix"},
    {"FpgaPartInvalid", "name: x\nfpga: {part: XCZU7EV}\n", "2:14", "fpga.part",
     "invalid part name 'XCZU7EV'"},
    {"FpgaUnknownKey", "name: x\nfpga: {pins: 4}\n", "2:8", "fpga.pins", "unknown key 'pins'"},
    {"FpgaBoardUnknown", "name: x\nfpga: {board: arty}\n", "2:15", "fpga.board",
     "unknown board 'arty'; accepted: none, zcu104"},
    {"FpgaBoardBusWidth", "name: x\naxi: {data_bits: 64}\nfpga: {board: zcu104}\n", "3:15",
     "fpga.board", "128-bit S_AXI_HP0_FPD port, but axi.data_bits is 64"},
    {"FpgaBoardAddrBits", "name: x\naxi: {addr_bits: 64}\nfpga: {board: zcu104}\n", "3:15",
     "fpga.board", "49 address bits, but axi.addr_bits is 64"},
    {"FpgaBoardPart", "name: x\nfpga: {board: zcu104, part: xc7a35t}\n", "2:29", "fpga.part",
     "the ZCU104 carries xczu7ev-ffvc1156-2-e, not xc7a35t"},
};

INSTANTIATE_TEST_SUITE_P(ConfigTest, ConfigBadInputTest, ::testing::ValuesIn(kBadCases),
                         [](const ::testing::TestParamInfo<BadCase>& param_info) {
                           return std::string(param_info.param.label);
                         });

TEST(ConfigTest, MessagesUseThePathGiven) {
  const std::string msg = ErrorOf("name: x\narray: {rows: 99}\n", "configs/edge.yaml");
  EXPECT_EQ(msg.rfind("configs/edge.yaml:2:15: array.rows: ", 0), 0u) << msg;
}

TEST(ConfigTest, MultiLineScalarStaysOnOneLine) {
  const std::string msg = ErrorOf("name: x\naxi:\n  addr_bits: |\n    32\n    33\n");
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  EXPECT_EQ(msg.rfind("bad.yaml:3:14: axi.addr_bits: ", 0), 0u) << msg;
}

// ---- LoadConfig ----

TEST(ConfigTest, LoadConfigMissingFile) {
  const std::string path = ::testing::TempDir() + "salsa_config_test_no_such_file.yaml";
  try {
    LoadConfig(path);
    FAIL() << "no ConfigError for a missing file";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg, path + ": cannot read file: No such file or directory");
  }
}

TEST(ConfigTest, LoadConfigDirectory) {
  const std::string dir = ::testing::TempDir();
  try {
    LoadConfig(dir);
    FAIL() << "no ConfigError for a directory";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind(dir + ": cannot read file", 0), 0u) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

TEST(ConfigTest, LoadConfigReadsFileAndReportsItsPath) {
  const std::string good = ::testing::TempDir() + "salsa_config_test_good.yaml";
  const std::string text = "# test\nname: loaded\narray: {rows: 8}\n";
  {
    std::ofstream out(good, std::ios::binary);
    out << text;
  }
  const Config cfg = LoadConfig(good);
  EXPECT_EQ(cfg.name, "loaded");
  EXPECT_EQ(cfg.rows, 8u);
  EXPECT_EQ(cfg.source_path, good);
  EXPECT_EQ(cfg.source_text, text);
  EXPECT_EQ(ConfigHash(cfg), ConfigHash(ParseConfig(text, "elsewhere.yaml")));

  const std::string bad = ::testing::TempDir() + "salsa_config_test_bad.yaml";
  {
    std::ofstream out(bad, std::ios::binary);
    out << "name: loaded\narray: {rows: 8}\naxi: {id_bits: 0}\n";
  }
  try {
    LoadConfig(bad);
    FAIL() << "no ConfigError for " << bad;
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(bad + ":3:16: axi.id_bits: ", 0), 0u) << e.what();
  }
  std::remove(good.c_str());
  std::remove(bad.c_str());
}

}  // namespace
}  // namespace salsa

// The derived defaults' notes: `salsa gen` prints one line per explicit choice that caps the
// roofline at the design DRAM latency (config_defaults.h).
#include "salsa/config_defaults.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "salsa/config.h"

namespace salsa {
namespace {

std::vector<std::string> Notes(const std::string& yaml) {
  return RooflineNotes(ParseConfig(yaml, "n.yaml"));
}

TEST(RooflineNotesTest, DerivedDefaultsGetNone) {
  EXPECT_TRUE(Notes("name: a\n").empty());
  EXPECT_TRUE(Notes("name: a\narray: {rows: 8, cols: 8}\naxi: {data_bits: 64}\n").empty());
  EXPECT_TRUE(Notes("name: a\narray: {rows: 1, cols: 1}\naxi: {data_bits: 512}\n").empty());
  for (unsigned b : {64u, 128u, 256u, 512u}) {
    for (unsigned burst : {1u, 2u, 4u, 7u, 16u, 64u}) {
      const std::string y = "name: a\naxi: {data_bits: " + std::to_string(b) +
                            ", max_burst: " + std::to_string(burst) + "}\n";
      // max_outstanding is at most 16: bursts of 1..6 beats cannot cover 100 cycles.
      EXPECT_EQ(Notes(y).size(), burst * 16 < kDesignDramLatency ? 1u : 0u) << y;
    }
  }
}

TEST(RooflineNotesTest, PresetsGetNone) {
  for (const char* preset : {"default", "llm_16x16", "rect_12x8", "small_8x8", "sparse24_16x16",
                             "sparse_16x16", "ws_16x16"}) {
    const std::string path = std::string(SALSA_SOURCE_DIR) + "/configs/" + preset + ".yaml";
    EXPECT_TRUE(RooflineNotes(LoadConfig(path)).empty()) << path;
  }
}

TEST(RooflineNotesTest, TooFewBurstsInFlight) {
  const std::vector<std::string> n = Notes("name: a\naxi: {max_outstanding: 4}\n");
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0],
            "note: axi.max_outstanding 4 x axi.max_burst 16 = 64 beats in flight cannot cover 100 "
            "cycles of DRAM latency: streams reach at most about 0.64 of the bus; "
            "max_outstanding 7 or more would cover it (omit the key: 16)");
  EXPECT_EQ(n[0].find('\n'), std::string::npos);
  EXPECT_TRUE(Notes("name: a\naxi: {max_outstanding: 7}\n").empty());  // 112 beats
}

TEST(RooflineNotesTest, WeightChunkTooShortForTheLatency) {
  const std::vector<std::string> n = Notes("name: a\nsram: {weight: {depth: 256}}\n");
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0],
            "note: sram.weight holds 2 x 256 words: a GEMV streams weight chunks of 256 words "
            "and waits about 100 cycles of DRAM latency on each, at most about 0.72 of its roof; "
            "banks*depth >= 2048 would reach 0.9 (omit depth: 4096 words)");
  EXPECT_TRUE(Notes("name: a\nsram: {weight: {depth: 1024}}\n").empty());  // 0.91
  // A bus narrower than the columns makes each chunk take longer: 256 words of 16 bytes on a
  // 64-bit bus take 512 cycles.
  EXPECT_TRUE(Notes("name: a\naxi: {data_bits: 64}\nsram: {weight: {depth: 512}}\n").empty());
  // K slices: the stream is min(S * cols, bus bytes) a cycle, so 4096 words on 16x16 with a
  // 512-bit bus (8 slices, 64 bytes a cycle) are chunks of 512 cycles.
  const std::vector<std::string> s =
      Notes("name: a\naxi: {data_bits: 512}\nsram: {weight: {depth: 2048}}\n");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0],
            "note: sram.weight holds 2 x 2048 words: a GEMV streams weight chunks of 2048 words "
            "and waits about 100 cycles of DRAM latency on each, at most about 0.84 of its roof; "
            "banks*depth >= 8192 would reach 0.9 (omit depth: 16384 words)");
  // Both caps: two lines.
  EXPECT_EQ(Notes("name: a\naxi: {max_outstanding: 2}\nsram: {weight: {depth: 16}}\n").size(), 2u);
}

}  // namespace
}  // namespace salsa

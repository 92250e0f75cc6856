// salsa tb-export's pure parts: the $readmemh formats, one GEMM's export and the generated files.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "cli/tb_export_image.h"
#include "salsa/config.h"
#include "salsa/layer_gen.h"

namespace salsa::cli {
namespace {

Config Small() { return LoadConfig(std::string(SALSA_SOURCE_DIR) + "/configs/small_8x8.yaml"); }

const GeneratedFile* Find(const std::vector<GeneratedFile>& files, const std::string& name) {
  for (const GeneratedFile& f : files) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

TEST(TbExportTest, BusWordsAreLittleEndianAndPadded) {
  const std::vector<uint8_t> bytes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(BusWordsHex(bytes, 8), "0807060504030201\n0000000000000a09\n");
  EXPECT_EQ(BusWordsHex({}, 8), "");
  EXPECT_EQ(BytesHex({0x00, 0xab, 0x7f}), "00\nab\n7f\n");
}

TEST(TbExportTest, HwParamsOfAPresetAreItsParamsHeader) {
  const HwParams hw = HwParamsOf(Small());
  EXPECT_EQ(hw.rows, 8u);
  EXPECT_EQ(hw.cols, 8u);
  EXPECT_EQ(hw.bus_bytes, 8u);
  EXPECT_EQ(hw.act_words, 4096u);  // rtl/small_8x8/salsa_params.h kActWords
  EXPECT_EQ(hw.acc_words, 256u);
  EXPECT_FALSE(hw.zero_skip);
  EXPECT_EQ(hw.precision_mask, 1u);
}

TEST(TbExportTest, GemmIsTheDriversImageAndTheReferenceOutput) {
  const HwParams hw = HwParamsOf(Small());
  const FcLayer fc = MakeRandomFc(9, 80, 11, 3);
  const std::vector<int8_t> golden = ReferenceOutput(fc);
  const TbGemm g = ExportGemm(hw, fc, golden, {}, 20);
  const Program prog = BuildFcProgram(hw, fc);
  EXPECT_EQ(g.dram, prog.dram);
  EXPECT_EQ(g.cmd_base, prog.cmd_base);
  EXPECT_EQ(g.cmd_count, prog.cmd_count);
  EXPECT_EQ(g.out_addr, prog.out_addr);
  ASSERT_FALSE(prog.transposed());
  ASSERT_EQ(g.expected.size(), golden.size());
  for (size_t i = 0; i < golden.size(); ++i) {
    ASSERT_EQ(static_cast<int8_t>(g.expected[i]), golden[i]) << "output byte " << i;
  }
  EXPECT_GT(g.timeout, 100000u);
}

TEST(TbExportTest, AWrongGoldenIsAnError) {
  const HwParams hw = HwParamsOf(Small());
  const FcLayer fc = MakeRandomFc(4, 16, 5, 1);
  std::vector<int8_t> golden = ReferenceOutput(fc);
  golden[3] = static_cast<int8_t>(golden[3] ^ 1);
  EXPECT_THROW(ExportGemm(hw, fc, golden, {}, 20), std::runtime_error);
}

TEST(TbExportTest, FilesNameOneImagePerGemm) {
  const Config cfg = Small();
  const HwParams hw = HwParamsOf(cfg);
  const FcLayer a = MakeRandomFc(4, 16, 5, 1), b = MakeRandomFc(3, 24, 9, 2);
  const TbGemm ga = ExportGemm(hw, a, ReferenceOutput(a), {}, 7);
  const TbGemm gb = ExportGemm(hw, b, ReferenceOutput(b), {}, 7);

  const auto one = TbFiles(cfg, {ga}, 7, {"rtl/salsa_top.v"}, "salsa tb-export test");
  for (const char* name :
       {"salsa_tb_params.vh", "gemms.hex", "dram.hex", "expected.hex", "files.f", "run-icarus"}) {
    EXPECT_NE(Find(one, name), nullptr) << name;
  }
  EXPECT_EQ(Find(one, "dram_0.hex"), nullptr);
  const std::string& vh = Find(one, "salsa_tb_params.vh")->text;
  EXPECT_NE(vh.find("`define SALSA_TB_NUM_GEMMS 1\n"), std::string::npos);
  EXPECT_NE(vh.find("`define SALSA_TB_MEM_LATENCY 7\n"), std::string::npos);
  EXPECT_NE(vh.find("`define SALSA_TB_HW_ID 32'h0808085a\n"), std::string::npos);
  EXPECT_NE(vh.find("`define SALSA_TB_CSR_CMD_COUNT 12'h01c\n"), std::string::npos);
  const std::string& f = Find(one, "files.f")->text;
  EXPECT_NE(f.find("rtl/salsa_top.v\nsalsa_tb_axi_mem.v\nsalsa_tb.v\n"), std::string::npos);

  const auto two = TbFiles(cfg, {ga, gb}, 7, {"rtl/salsa_top.v"}, "salsa tb-export test");
  for (const char* name : {"dram_0.hex", "dram_1.hex", "expected_0.hex", "expected_1.hex"}) {
    EXPECT_NE(Find(two, name), nullptr) << name;
  }
  EXPECT_EQ(Find(two, "dram.hex"), nullptr);
  const std::string& table = Find(two, "gemms.hex")->text;
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 16);
  EXPECT_EQ(Find(two, "expected_1.hex")->text, BytesHex(gb.expected));
}

}  // namespace
}  // namespace salsa::cli

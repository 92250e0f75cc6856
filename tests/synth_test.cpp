// salsa synth's pure parts: cell classes, Yosys `stat -json` parsing into hierarchical totals
// (captured from Yosys 0.23 on tests/data/synth/h.v), logic depth, iCE40 fit and nextpnr's Fmax.
#include "synth/synth.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace salsa::synth {
namespace {

std::string Data(const std::string& name) {
  std::ifstream in(std::string(SALSA_VECTORS_DIR) + "/synth/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SynthTest, TargetsAndBadTarget) {
  EXPECT_EQ(ParseTarget("xilinx"), Target::kXilinx);
  EXPECT_EQ(ParseTarget("generic"), Target::kGeneric);
  EXPECT_EQ(TargetPass(Target::kIce40), "synth_ice40");
  EXPECT_EQ(TargetPass(Target::kGeneric), "synth");
  try {
    ParseTarget("altera");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "--target: unknown target 'altera'; accepted: xilinx, ecp5, ice40, generic");
  }
}

TEST(SynthTest, CellClasses) {
  EXPECT_EQ(Classify(Target::kXilinx, "LUT6"), CellClass::kLut);
  EXPECT_EQ(Classify(Target::kXilinx, "FDCE"), CellClass::kFf);
  EXPECT_EQ(Classify(Target::kXilinx, "DSP48E1"), CellClass::kDsp);
  EXPECT_EQ(Classify(Target::kXilinx, "RAMB18E1"), CellClass::kBram);
  EXPECT_EQ(Classify(Target::kXilinx, "RAM32M"), CellClass::kLutram);
  EXPECT_EQ(Classify(Target::kXilinx, "SRLC32E"), CellClass::kLutram);
  EXPECT_EQ(Classify(Target::kXilinx, "CARRY4"), CellClass::kCarry);
  EXPECT_EQ(Classify(Target::kXilinx, "MUXF7"), CellClass::kMux);
  EXPECT_EQ(Classify(Target::kEcp5, "DP16KD"), CellClass::kBram);
  EXPECT_EQ(Classify(Target::kEcp5, "MULT18X18D"), CellClass::kDsp);
  EXPECT_EQ(Classify(Target::kIce40, "SB_DFFER"), CellClass::kFf);
  EXPECT_EQ(Classify(Target::kIce40, "SB_RAM40_4K"), CellClass::kBram);
  EXPECT_EQ(Classify(Target::kIce40, "SB_MAC16"), CellClass::kDsp);
  EXPECT_EQ(Classify(Target::kGeneric, "$_SDFFE_PP0P_"), CellClass::kFf);
  EXPECT_EQ(Classify(Target::kGeneric, "$_MUX_"), CellClass::kLut);
}

TEST(SynthTest, BlockAndParamsOfModuleNames) {
  EXPECT_EQ(BlockOf("\\salsa_pe"), "salsa_pe");
  EXPECT_EQ(BlockOf("$paramod\\salsa_sram\\Width=s32'00000000000000000000000001000000"),
            "salsa_sram");
  EXPECT_EQ(BlockOf("$paramod$3f2a9\\salsa_fifo"), "salsa_fifo");
  const auto p =
      ParamsOf("$paramod\\salsa_fifo\\Width=s32'00000000000000000000000001111010\\Depth=4");
  EXPECT_EQ(p.at("Width"), 122);
  EXPECT_EQ(p.at("Depth"), 4);
  EXPECT_TRUE(ParamsOf("$paramod$3f2a9\\salsa_fifo").empty());
}

TEST(SynthTest, StatHierarchicalTotals) {
  const Design d = ParseStat(Target::kXilinx, Data("xilinx_stat.json"), "top");
  // top: its own counter (8 FDRE, 8 LUTs, 2 CARRY4), a bank (1 RAMB36E1), one 16-bit mac and two
  // pairs of two 8-bit macs: 5 DSPs.
  const Module& top = d.Top();
  EXPECT_EQ(top.self.ffs, 8);
  EXPECT_EQ(top.self.luts, 8);
  EXPECT_EQ(top.self.carry, 2);
  EXPECT_EQ(top.total.dsps, 5);
  EXPECT_EQ(top.total.brams, 1);
  EXPECT_EQ(top.total.cells.at("DSP48E1"), 5);
  const Module* mac8 = d.Find("$paramod\\mac\\W=s32'00000000000000000000000000001000");
  ASSERT_NE(mac8, nullptr);
  EXPECT_EQ(mac8->instances, 4);
  EXPECT_EQ(mac8->block, "mac");
  EXPECT_EQ(mac8->params.at("W"), 8);
  EXPECT_EQ(d.Find("pair")->instances, 2);
  EXPECT_EQ(d.Find("pair")->total.dsps, 2);

  const nlohmann::json j = ToJson(d, Depth{3, 2, "a", "b"}, nlohmann::json::array(), "t");
  EXPECT_EQ(j["luts"], 8);
  EXPECT_EQ(j["dsps"], 5);
  EXPECT_EQ(j["brams"], 1);
  EXPECT_EQ(j["logic_levels"], 3);
  EXPECT_EQ(j["blocks"]["mac"]["instances"], 5);  // both parametrisations
  EXPECT_EQ(j["blocks"]["mac"]["dsps"], 5);
  EXPECT_EQ(j["blocks"]["pair"]["dsps"], 4);
  EXPECT_EQ(j["blocks"]["bank"]["brams"], 1);
  const std::string md = ToMarkdown(j);
  EXPECT_NE(md.find("| mac | 5 | 0 | 0 | 5 | 0 | 0 | 0 |"), std::string::npos) << md;
}

TEST(SynthTest, ParamsFromYosysJson) {
  Design d = ParseStat(Target::kXilinx, Data("xilinx_stat.json"), "top");
  for (auto& m : d.modules) m.params.clear();
  ApplyParams(&d, nlohmann::json::parse(Data("xilinx_params.json")));
  EXPECT_EQ(d.Find("$paramod\\mac\\W=s32'00000000000000000000000000010000")->params.at("W"), 16);
  EXPECT_TRUE(d.Find("bank")->params.empty());
}

TEST(SynthTest, StatErrors) {
  EXPECT_THROW(ParseStat(Target::kXilinx, "not json", "top"), std::runtime_error);
  EXPECT_THROW(ParseStat(Target::kXilinx, "{}", "top"), std::runtime_error);
  EXPECT_THROW(ParseStat(Target::kXilinx, Data("xilinx_stat.json"), "salsa_top"),
               std::runtime_error);
}

// A flattened netlist: port a -> LUT x3 in series -> FF; b -> LUT -> CARRY4 -> FF; bits numbered.
nlohmann::json Netlist() {
  auto lut = [](nlohmann::json in0, nlohmann::json in1, nlohmann::json out) {
    return nlohmann::json{{"type", "LUT2"},
                          {"port_directions", {{"I0", "input"}, {"I1", "input"}, {"O", "output"}}},
                          {"connections", {{"I0", {in0}}, {"I1", {in1}}, {"O", {out}}}}};
  };
  nlohmann::json m;
  m["ports"] = {{"a", {{"direction", "input"}, {"bits", {2, 3}}}},
                {"q", {{"direction", "output"}, {"bits", {20}}}}};
  m["cells"] = {
      {"l1", lut(2, 3, 10)},
      {"l2", lut(10, 3, 11)},
      {"l3", lut(11, "0", 12)},
      {"ff",
       {{"type", "FDRE"},
        {"port_directions", {{"D", "input"}, {"Q", "output"}}},
        {"connections", {{"D", {12}}, {"Q", {20}}}}}},
      {"l4", lut(20, 2, 13)},
      {"c",
       {{"type", "CARRY4"},
        {"port_directions", {{"S", "input"}, {"O", "output"}}},
        {"connections", {{"S", {13, "0", "0", "0"}}, {"O", {14, 15, 16, 17}}}}}},
  };
  m["netnames"] = {{"a", {{"bits", {2, 3}}}},
                   {"$auto$x", {{"bits", {10}}}},
                   {"sum_d", {{"bits", {12}}}},
                   {"q", {{"bits", {20}}}}};
  return {{"modules", {{"top", m}}}};
}

TEST(SynthTest, LogicDepthStopsAtFlipFlops) {
  const Depth d = LogicDepth(Target::kXilinx, Netlist(), "top");
  EXPECT_EQ(d.levels, 3);  // l1 l2 l3; the FF cuts l3 from l4, and l4 + CARRY4 is 2
  EXPECT_EQ(d.lut_levels, 3);
  EXPECT_EQ(d.start, "a[0]");
  EXPECT_EQ(d.end, "sum_d");
  EXPECT_EQ(PortBits(Netlist(), "top"), 3);
  EXPECT_THROW(LogicDepth(Target::kXilinx, Netlist(), "other"), std::runtime_error);
}

TEST(SynthTest, LutLevelsDoNotCountCarryCells) {
  nlohmann::json n = Netlist();
  auto carry = [](long in, long out) {
    return nlohmann::json{{"type", "CARRY4"},
                          {"port_directions", {{"CI", "input"}, {"CO", "output"}}},
                          {"connections", {{"CI", {in}}, {"CO", {out}}}}};
  };
  n["modules"]["top"]["cells"]["c2"] = carry(14, 21);
  n["modules"]["top"]["cells"]["c3"] = carry(21, 22);
  const Depth d = LogicDepth(Target::kXilinx, n, "top");
  EXPECT_EQ(d.levels, 4);      // l4 c c2 c3
  EXPECT_EQ(d.lut_levels, 3);  // l1 l2 l3
  EXPECT_EQ(d.start, "q");
}

TEST(SynthTest, Ice40FitAndFmax) {
  Resources r;
  r.luts = 6000;
  r.ffs = 2000;
  r.brams = 10;
  r.dsps = 4;
  const auto& parts = Ice40Parts();
  ASSERT_EQ(parts[0].name, "up5k");
  EXPECT_EQ(Ice40Misfit(parts[0], r, 30), "LUTs 6000 > 5280");
  EXPECT_EQ(Ice40Misfit(parts[1], r, 30), "DSPs 4 > 0");
  r.dsps = 0;
  EXPECT_EQ(Ice40Misfit(parts[1], r, 300), "I/O pins 300 > 206");
  EXPECT_EQ(Ice40Misfit(parts[1], r, 100), "");
  const auto fmax = NextpnrFmax(nlohmann::json::parse(Data("nextpnr_report.json")));
  ASSERT_TRUE(fmax.has_value());
  EXPECT_GT(*fmax, 1.0);
  EXPECT_FALSE(NextpnrFmax(nlohmann::json::object()).has_value());
}

}  // namespace
}  // namespace salsa::synth

// The IR and the Verilog printer: name legalisation and a byte-exact golden module.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "salsa/ir.h"
#include "salsa/verilog_printer.h"

namespace {

using namespace salsa::ir;

TEST(IrTest, KeywordsAndClashesGetSuffixes) {
  std::set<std::string> used;
  EXPECT_EQ(LegalizeName("reg", &used), "reg_1");
  EXPECT_EQ(LegalizeName("data", &used), "data");
  EXPECT_EQ(LegalizeName("data", &used), "data_1");
  EXPECT_EQ(LegalizeName("data", &used), "data_2");
  EXPECT_EQ(LegalizeName("always", &used), "always_1");
  EXPECT_EQ(LegalizeName("logic", &used), "logic_1");  // SystemVerilog keywords too
  EXPECT_EQ(LegalizeName("a-b c", &used), "a_b_c");
  EXPECT_EQ(LegalizeName("3x", &used), "n_3x");
  EXPECT_EQ(LegalizeName("", &used), "n");
}

TEST(IrTest, DeclarationsReturnLegalNames) {
  Module m("demo");
  EXPECT_EQ(m.In("input"), "input_1");
  Scope s = m.Body();
  EXPECT_EQ(s.Wire("input"), "input_2");
  EXPECT_EQ(s.Reg("q"), "q");
  EXPECT_EQ(s.Reg("q"), "q_1");
}

// A module that exercises every IR construct the printer knows.
Module GoldenModule() {
  Module m("salsa_golden", "Golden printer example: every IR construct once.");
  m.Parameter("Width", "8");
  m.LocalParam("Half", "Width / 2");
  m.LocalParam("StIdle", "2'd0", "2");
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  m.In("d_i", "Width");
  m.In("sel_i", "2");
  m.Out("q_o", "Width");
  m.Out("flag_o", "1", true);
  Scope s = m.Body();
  s.Reg("q_q", "Width");
  s.Wire("sum", "9", true);
  s.UntracedWire("bus_a", "16");  // one tracing_off/tracing_on pair around the run of two
  s.UntracedWire("bus_b", "16");
  s.Memory("mem_q", "8", "4");
  s.Integer("i");
  s.Note("Continuous assignments.");
  s.Assign("sum", "{1'b0, d_i} + 9'd1");
  s.Assign("q_o", "q_q");
  s.Comb({Set("flag_o", "1'b0"),
          Case("sel_i", {{{"2'd0", "2'd1"}, {Set("flag_o", "d_i[0]")}}, {{"2'd2"}, {}}},
               {Set("flag_o", "1'b1")}),
          For("i", "4", {If("mem_q[i] == d_i", {Set("flag_o", "1'b1")})})});
  s.Seq(clk, rst, {Set("q_q", "{Width{1'b0}}")},
        {If("sel_i == 2'd0", {Set("q_q", "d_i")},
            {If("sel_i == 2'd1", {Set("q_q", "q_q + 1'b1")}, {Set("q_q", "q_q")})})});
  s.Seq(clk, "", {}, {Set("mem_q[sel_i]", "d_i")});
  Scope g = s.GenLoop("k", "2", "gen_pair");
  g.Wire("tap", "4");
  g.Assign("tap", IdxPart("d_i", "k*4", "4"));
  Scope h = g.GenLoop("j", "1", "gen_inner");
  h.Inst("salsa_leaf", "u_leaf", {{"Width", "4"}}, {{"a_i", "tap"}, {"clk_i", clk}});
  s.Inst("salsa_leaf", "u_plain", {}, {{"a_i", "d_i[3:0]"}, {"clk_i", clk}});
  return m;
}

TEST(VerilogPrinterTest, GoldenModuleByteForByte) {
  const std::string got = salsa::PrintModule(GoldenModule());
  std::ifstream in(std::string(SALSA_SOURCE_DIR) + "/tests/golden/printer_golden.v");
  std::stringstream want;
  want << in.rdbuf();
  if (got != want.str()) {
    const std::string actual = ::testing::TempDir() + "printer_golden.actual.v";
    std::ofstream(actual) << got;
    ADD_FAILURE() << "printer output differs from tests/golden/printer_golden.v; actual output in "
                  << actual;
  }
}

TEST(VerilogPrinterTest, PrintingDoesNotChangeTheIr) {
  Module m = GoldenModule();
  std::string a = salsa::PrintModule(m);
  std::string b = salsa::PrintModule(m);
  EXPECT_EQ(a, b);
}

}  // namespace

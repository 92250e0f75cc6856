// salsa equiv's pure parts: the Yosys scripts of the methods and the verdicts read from Yosys
// 0.23 logs (excerpts captured from `salsa equiv` runs on a PE and its mutated copy).
#include "equiv/equiv.h"

#include <gtest/gtest.h>

#include <set>

namespace salsa::equiv {
namespace {

ScriptOptions Opts() {
  ScriptOptions o;
  o.top = "salsa_top";
  o.blackboxes = {"salsa_sram"};
  o.bound = 12;
  o.sat_timeout_s = 30;
  o.vcd = "/w/cex.vcd";
  return o;
}

const Side kGold{"rtl/a", {"/r/a/salsa_pe.v", "/r/a/salsa_sram.v", "/r/a/salsa_top.v"}};
const Side kGate{"net.v", {"/n/net.v"}};

TEST(EquivTest, PrepReadsBlackBoxesAsLibrariesAndEvertsThem) {
  const std::string s = PrepScript(kGold, "gold", Opts());
  EXPECT_NE(s.find("read_verilog -defer /r/a/salsa_pe.v\n"), std::string::npos);
  EXPECT_NE(s.find("read_verilog -defer -lib /r/a/salsa_sram.v\n"), std::string::npos);
  EXPECT_NE(s.find("prep -flatten -top salsa_top\nmemory_map\n"), std::string::npos);
  EXPECT_NE(s.find("expose -evert t:*salsa_sram\nasync2sync\nsetundef -zero\n"), std::string::npos);
  EXPECT_NE(s.find("rename salsa_top gold\ndesign -stash gold\n"), std::string::npos);
  // The black box proven itself is read as logic and not everted.
  ScriptOptions o = Opts();
  o.top = "salsa_sram";
  const std::string m = PrepScript(kGold, "gate", o);
  EXPECT_EQ(m.find("-lib"), std::string::npos);
  EXPECT_EQ(m.find("expose"), std::string::npos);
}

TEST(EquivTest, MethodScripts) {
  const std::string st = StructuralScript(kGold, kGate, Opts());
  EXPECT_NE(st.find("equiv_make gold gate equiv\nhierarchy -top equiv\nequiv_struct -icells t:$mul "
                    "t:$mem_v2\n"
                    "equiv_induct -seq 1\nequiv_status -assert\n"),
            std::string::npos);
  const std::string mi = MiterScript(kGold, kGate, Opts(), true);
  EXPECT_NE(mi.find("miter -equiv -flatten -make_outputs gold gate miter\n"), std::string::npos);
  EXPECT_NE(mi.find("sat -tempinduct -prove trigger 0 -set-init-zero -set-at 1 in_rst_ni 0 -seq 1 "
                    "-maxsteps 12 -timeout 30 -dump_vcd /w/cex.vcd -show-ports miter\n"),
            std::string::npos);
  const std::string bo = MiterScript(kGold, kGate, Opts(), false);
  EXPECT_NE(
      bo.find("sat -prove trigger 0 -set-init-zero -set-at 1 in_rst_ni 0 -seq 12 -timeout 30"),
      std::string::npos);
  const std::string sy = SynthScript(kGold, Opts(), "/w/netlist.v");
  EXPECT_NE(sy.find("hierarchy -top salsa_top\nproc\nflatten\nexpose -evert t:*salsa_sram\n"
                    "synth -top salsa_top\nwrite_verilog -noattr /w/netlist.v\n"),
            std::string::npos);
}

TEST(EquivTest, StructuralVerdicts) {
  Outcome o = ParseStructuralLog(
      "54. Executing EQUIV_STATUS pass.\nFound 202 $equiv cells in equiv:\n"
      "  Of those cells 202 are proven and 0 are unproven.\n  Equivalence successfully proven!\n");
  EXPECT_EQ(o.verdict, Verdict::kPassFull);
  o = ParseStructuralLog(
      "Found a total of 20 unproven $equiv cells.\n"
      "ERROR: Found 20 unproven $equiv cells in 'equiv_status -assert'.\n");
  EXPECT_EQ(o.verdict, Verdict::kUnproven);
  EXPECT_EQ(o.detail, "20 unproven $equiv cells");
}

TEST(EquivTest, MiterVerdicts) {
  const std::string fail =
      "** Trying induction with length 1 **\n"
      "SAT temporal induction proof finished - model found for base case: FAIL!\n"
      "     1 \\gate_a_clear_o                     0         0       0\n"
      "     1 \\gate_acc_o                         0         0    0000\n"
      "     1 \\gold_acc_o                         0         0    0000\n"
      "     2 \\gate_a_clear_o                     0         0       0\n"
      "     2 \\gold_a_clear_o                     0         0       0\n"
      "     2 \\gate_acc_o                        -1  ffffffff    1111\n"
      "     2 \\gold_acc_o                         8         8    1000\n";
  Outcome o = ParseMiterLog(fail);
  EXPECT_EQ(o.verdict, Verdict::kFail);
  EXPECT_EQ(o.first_diff, "acc_o");
  EXPECT_EQ(o.diff_cycle, 2);
  EXPECT_EQ(Summary(o, "salsa_pe", 1.06),
            "FAIL: acc_o differs in cycle 2 (miter) salsa_pe in 1.1 s: "
            "gold 1000, gate 1111");
  o = ParseMiterLog(
      "** Trying induction with length 6 **\nBase case for induction length 5 proven.\n"
      "Base case for induction length 6 proven.\nInduction step failed. Incrementing induction "
      "length.\nReached maximum number of time steps -> proof failed.\n");
  EXPECT_EQ(o.verdict, Verdict::kPassBounded);
  EXPECT_EQ(o.bound, 6);
  EXPECT_EQ(Summary(o, "salsa_pe", 2), "PASS bounded to 6 cycles (miter) salsa_pe in 2.0 s");
  o = ParseMiterLog(
      "** Trying induction with length 1 **\n** Trying induction with length 2 **\n"
      "Induction step proven: SUCCESS!\n");
  EXPECT_EQ(o.verdict, Verdict::kPassFull);
  EXPECT_EQ(o.induction, 2);
  EXPECT_EQ(ToJson(o, "t", kGold, kGate, 1.25)["induction_length"], 2);
  EXPECT_EQ(ParseMiterLog("ERROR: Called with -verify and proof did time out!\n").verdict,
            Verdict::kTimeout);
  // Killed during the induction step of length 3: bounded to the 2 base cases proven.
  o = ParseMiterLog(
      "Base case for induction length 1 proven.\nBase case for induction length 2 "
      "proven.\n[induction step 2] Solving problem with 2187637 variables\n");
  EXPECT_EQ(o.verdict, Verdict::kPassBounded);
  EXPECT_EQ(o.bound, 2);
  EXPECT_EQ(o.detail, "induction ran out of time");
}

TEST(EquivTest, BoundedVerdictsAndReport) {
  Outcome o = ParseBoundedLog("SAT proof finished - no model found: SUCCESS!\n", 12);
  EXPECT_EQ(o.verdict, Verdict::kPassBounded);
  const nlohmann::json j = ToJson(o, "salsa_top", kGold, kGate, 3.33);
  EXPECT_EQ(j["verdict"], "PASS");
  EXPECT_EQ(j["proof"], "bounded");
  EXPECT_EQ(j["bound_cycles"], 12);
  EXPECT_EQ(j["method"], "bounded");
  EXPECT_EQ(ParseBoundedLog("", 12).verdict, Verdict::kTimeout);
  EXPECT_EQ(VerdictName(Verdict::kTimeout), "TIMEOUT");
}

// The RTLIL Yosys writes after `hierarchy` (excerpt of the 2x2 top's).
const char* kRtlil =
    "attribute \\blackbox 1\n"
    "module $paramod$564047348d663774c5551993045e4a5c2441aac6\\salsa_sram\n"
    "end\n"
    "module $paramod$8669ad615e9a3e385e544da8223f3f9b2140ee92\\salsa_scratchpad\n"
    "  cell $paramod$564047348d663774c5551993045e4a5c2441aac6\\salsa_sram \\gen_bank[0].u_bank\n"
    "  cell $paramod$564047348d663774c5551993045e4a5c2441aac6\\salsa_sram \\gen_bank[1].u_bank\n"
    "  cell $mux $ternary$x.v:3$1\n"
    "end\n"
    "attribute \\top 1\n"
    "module \\salsa_top\n"
    "  cell $paramod$8669ad615e9a3e385e544da8223f3f9b2140ee92\\salsa_scratchpad \\u_act_spad\n"
    "  cell \\salsa_mac_array \\u_mac_array\n"
    "  cell $paramod$8669ad615e9a3e385e544da8223f3f9b2140ee92\\salsa_scratchpad \\u_wgt_spad\n"
    "end\n"
    "module \\salsa_mac_array\n"
    "  cell \\salsa_pe \\gen_row[0].gen_col[0].u_pe\n"
    "  cell \\salsa_pe \\gen_row[0].gen_col[1].u_pe\n"
    "end\n"
    "module \\salsa_pe\n"
    "  wire width 9 input 3 \\a_i\n"
    "  wire input 1 \\clk_i\n"
    "  wire width 9 \\a_q\n"
    "end\n";

TEST(EquivTest, HierarchyChildrenFirstEachOnce) {
  const Hierarchy h = ParseHierarchy(kRtlil);
  const std::string spad = "$paramod$8669ad615e9a3e385e544da8223f3f9b2140ee92\\salsa_scratchpad";
  ASSERT_EQ(h.size(), 4u);  // the black box (salsa_sram) is no module to prove
  EXPECT_TRUE(h.at(spad).empty());
  EXPECT_EQ(h.at("salsa_top"), (std::vector<std::string>{spad, "salsa_mac_array"}));
  EXPECT_EQ(BottomUp(h, "salsa_top"),
            (std::vector<std::string>{spad, "salsa_pe", "salsa_mac_array", "salsa_top"}));
  EXPECT_EQ(ShortName(spad), "salsa_scratchpad_8669ad61");
  EXPECT_EQ(ShortName("salsa_pe"), "salsa_pe");
  EXPECT_EQ(ParsePorts(kRtlil).at("salsa_pe"),
            (std::vector<std::string>{"input 1 \\clk_i", "width 9 input 3 \\a_i"}));
}

// Modules without state: no flip-flop, latch, memory, process or child module.
TEST(EquivTest, CombinationalModules) {
  const std::string il = std::string(kRtlil) +
                         "module \\salsa_popcount\n"
                         "  cell $add $add$p.v:9$1\n"
                         "end\n"
                         "module \\salsa_pe_mul\n"
                         "  cell $mul $e3\n"
                         "end\n"
                         "module \\regs\n"
                         "  cell $adff $procdff$4\n"
                         "end\n"
                         "module \\mem\n"
                         "  cell $mem_v2 $mem$m\n"
                         "end\n"
                         "module \\proc\n"
                         "  process $proc$x.v:1$1\n"
                         "  end\n"
                         "end\n"
                         "module \\gates\n"
                         "  cell $_DFF_P_ $auto$5\n"
                         "end\n";
  // salsa_pe has no cells in kRtlil: combinational; the scratchpad, the array and the top have
  // child modules.
  EXPECT_EQ(ParseCombinational(il),
            (std::set<std::string>{"salsa_pe", "salsa_popcount", "salsa_pe_mul"}));
}

TEST(EquivTest, HierarchicalScripts) {
  ScriptOptions o = Opts();
  o.top = "$paramod$8669ad615e9a3e385e544da8223f3f9b2140ee92\\salsa_scratchpad";
  o.design_top = "salsa_top";
  o.abstracted = {"salsa_pe"};
  const std::string s = PrepScript(kGold, "gold", o);
  EXPECT_NE(s.find("hierarchy -top salsa_top\nhierarchy -top " + o.top +
                   "\nblackbox salsa_pe\n"
                   "prep -flatten -top " +
                   o.top + "\n"),
            std::string::npos);
  EXPECT_NE(s.find("expose -evert t:*salsa_sram\nexpose -evert t:salsa_pe\nasync2sync\n"),
            std::string::npos);
  // A short specialisation's name holds backslashes: selections get `?` for them.
  o.abstracted = {"$paramod\\salsa_pe\\RowOdd=s32'1_mul"};
  const std::string odd = PrepScript(kGold, "gold", o);
  EXPECT_NE(odd.find("blackbox $paramod?salsa_pe?RowOdd=s32'1_mul\n"), std::string::npos);
  EXPECT_NE(odd.find("expose -evert t:$paramod?salsa_pe?RowOdd=s32'1_mul\n"), std::string::npos);
  EXPECT_NE(PrepScript(Side{"net.v", {"/n/net.v"}, true}, "gate", o)
                .find("blackbox \\$paramod?salsa_pe?RowOdd=s32'1_mul\n"),
            std::string::npos);
  ScriptOptions bank = Opts();
  bank.top = "salsa_sram";
  bank.params = {{"Depth", "16"}, {"Width", "8"}};
  EXPECT_NE(PrepScript(kGold, "gold", bank)
                .find("hierarchy -top salsa_sram -chparam Depth 16 -chparam Width 8\n"
                      "hierarchy -top salsa_sram\n"),
            std::string::npos);
  const std::string l = HierarchyScript(kGold, Opts(), "/w/gold.il");
  EXPECT_EQ(l.find("prep"), std::string::npos);
  EXPECT_NE(l.find("hierarchy -top salsa_top\nwrite_rtlil /w/gold.il\n"), std::string::npos);
  const std::string sy =
      HierSynthScript(kGold, Opts(), "/w/netlist.v", "/w/boxes.v", "/w/netlist_lowered.v");
  EXPECT_EQ(sy.find("flatten"), std::string::npos);
  // synth's own script, the design saved between Yosys' lowering and ABC.
  EXPECT_NE(sy.find("hierarchy -top salsa_top\nproc\nsynth -top salsa_top -run begin:fine\n"
                    "opt -fast -full\nmemory_map\nopt -full\ntechmap\nopt -fast\n"
                    "write_verilog -noattr /w/netlist_lowered.v\nabc -fast\nopt -fast\n"
                    "synth -top salsa_top -run check:\nwrite_verilog -noattr "
                    "/w/netlist.v\nwrite_verilog -noattr -blackboxes /w/boxes.v\n"),
            std::string::npos);
}

TEST(EquivTest, SplitMultipliersHavePathFreeNames) {
  ScriptOptions o = Opts();
  o.split_mul = true;
  // Private names renamed in module order before submod names the ports after them.
  EXPECT_NE(PrepScript(kGold, "gold", o)
                .find("proc\nrename -enumerate -pattern $e% w:$* c:$*\n"
                      "setattr -set submod \"mul\" w:* %co1:+[A] w:* %co1:+[B] %i t:$mul %i\n"
                      "submod t:$mul %m\n"
                      "rename -enumerate -pattern u_mul% t:*_mul\n"),
            std::string::npos);
}

TEST(EquivTest, AbcScriptsAndVerdicts) {
  ScriptOptions o = Opts();
  const std::string a = AigerScript(kGold, kGate, o, "/w/m.aig");
  // From reset: the state after one reset cycle is the AIGER's initial state.
  EXPECT_NE(
      a.find("sim -clock in_clk_i -resetn in_rst_ni -rstlen 1 -n 1 -zinit -w miter\ntechmap\n"),
      std::string::npos);
  EXPECT_EQ(a.find("alumacc"), std::string::npos);
  o.reset = "";
  o.lower_mul = true;
  const std::string l = AigerScript(kGold, kGate, o, "/w/m.aig");
  EXPECT_EQ(l.find("sim "), std::string::npos);
  EXPECT_NE(l.find("wreduce\npeepopt\nopt_clean\nalumacc\nopt -fast\ntechmap\n"),
            std::string::npos);
  EXPECT_EQ(AbcCecCommand("/w/m.aig", 30), "&r /w/m.aig; &cec -m -T 30");
  EXPECT_EQ(AbcSequentialCommand("/w/m.aig", 60), "read_aiger /w/m.aig; strash; dprove -T 60");
  EXPECT_EQ(AbcBmcCommand("/w/m.aig", 20, 60), "read_aiger /w/m.aig; strash; bmc3 -F 20 -T 60");

  EXPECT_EQ(ParseAbcLog("Networks are equivalent.  Time =     0.26 sec\n").verdict,
            Verdict::kPassFull);
  EXPECT_EQ(ParseAbcLog("Property proved.  Time =     0.02 sec\n").verdict, Verdict::kPassFull);
  EXPECT_EQ(ParseAbcLog("UNSATISFIABLE\n").verdict, Verdict::kPassFull);
  const Outcome b = ParseAbcLog(
      "No output asserted in 14 frames. Resource limit reached (timeout 10 sec). Time = 10.0 "
      "sec\n");
  EXPECT_EQ(b.verdict, Verdict::kPassBounded);
  EXPECT_EQ(b.bound, 14);
  const Outcome c = ParseAbcLog("Output 0 of miter \"miter\" was asserted in frame 3.\n");
  EXPECT_EQ(c.verdict, Verdict::kUnproven);
  EXPECT_EQ(c.detail, "abc found a counterexample");
  EXPECT_EQ(ParseAbcLog("Networks are NOT EQUIVALENT.\n").detail, "abc found a counterexample");
  EXPECT_EQ(ParseAbcLog("Networks are UNDECIDED.\n").verdict, Verdict::kUnproven);
  EXPECT_EQ(ParseAbcLog("").detail, "abc did not prove the miter");
}

}  // namespace
}  // namespace salsa::equiv

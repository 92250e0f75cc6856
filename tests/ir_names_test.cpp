// ir::CheckNames: an expression that uses a name legalisation changed is a generator error.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "salsa/ir.h"

namespace {

using namespace salsa::ir;

TEST(IrNamesTest, IdentifiersSkipLiteralsAndSystemFunctions) {
  EXPECT_EQ(ExprIdentifiers("a_q + 8'hFF - 4'd0"), (std::vector<std::string>{"a_q"}));
  EXPECT_EQ(ExprIdentifiers("{(NumCols*32){1'b0}}"), (std::vector<std::string>{"NumCols"}));
  EXPECT_EQ(ExprIdentifiers("x[3:0] == 'd5 ? $clog2(Depth) : 32'sh7f"),
            (std::vector<std::string>{"x", "Depth"}));
  EXPECT_EQ(ExprIdentifiers("64'hFFFFFFFFC0000001 & mask"), (std::vector<std::string>{"mask"}));
  EXPECT_EQ(ExprIdentifiers("16'b1010_xxzz | b"), (std::vector<std::string>{"b"}));
}

TEST(IrNamesTest, RecordsRenamedDeclarations) {
  Module m("salsa_demo");
  EXPECT_EQ(m.In("input"), "input_1");
  Scope s = m.Body();
  EXPECT_EQ(s.Wire("reg"), "reg_1");
  EXPECT_EQ(s.Wire("q"), "q");
  EXPECT_EQ(s.Wire("q"), "q_1");
  EXPECT_EQ(m.renamed.at("input"), "input_1");
  EXPECT_EQ(m.renamed.at("reg"), "reg_1");
  EXPECT_EQ(m.renamed.at("q"), "q_1");
  EXPECT_EQ(m.renamed.count("q_1"), 0u);
}

TEST(IrNamesTest, UsingTheLegalNamesPasses) {
  Module m("salsa_demo");
  const std::string in = m.In("input");
  Scope s = m.Body();
  const std::string w = s.Wire("wire");
  s.Assign(w, in + " & 1'b1");
  const std::string q = s.Reg("q");
  const std::string q2 = s.Reg("q");  // "q" is renamed once but declared: no error
  s.Seq("clk", "", {}, {Set(q, w), Set(q2, q)});
  EXPECT_NO_THROW(CheckNames(m));
}

TEST(IrNamesTest, UsingARenamedNameIsAnError) {
  Module m("salsa_demo");
  m.In("input");
  Scope s = m.Body();
  s.Wire("x");
  s.Assign("x", "input");  // the port is input_1: "input" dangles
  try {
    CheckNames(m);
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("salsa_demo"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'input'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("input_1"), std::string::npos) << msg;
  }
}

TEST(IrNamesTest, RenamedNamesAreFoundInStatementsInstancesAndGenerateLoops) {
  {
    Module m("salsa_demo");
    Scope s = m.Body();
    s.Reg("case");
    s.Comb({If("1'b1", {Set("case", "1'b0")})});
    EXPECT_THROW(CheckNames(m), std::logic_error);
  }
  {
    Module m("salsa_demo");
    Scope s = m.Body();
    Scope g = s.GenLoop("c", "4", "gen_col");
    g.Wire("wire", "8");
    g.Inst("salsa_leaf", "u_leaf", {{"Width", "8"}}, {{"d_i", "wire[c]"}});
    EXPECT_THROW(CheckNames(m), std::logic_error);
  }
  {
    Module m("salsa_demo");
    m.Parameter("module", "8");
    Scope s = m.Body();
    s.Wire("w", "module");  // width expression
    EXPECT_THROW(CheckNames(m), std::logic_error);
  }
}

}  // namespace

namespace {

// Two generate loops asking for the same genvar: the second would be renamed while its body still
// names the first, which CheckNames cannot see (the name is declared). GenLoop refuses it.
TEST(IrNamesTest, ReusedGenvarIsAGeneratorError) {
  salsa::ir::Module m("salsa_demo");
  salsa::ir::Scope s = m.Body();
  s.GenLoop("j", "4", "gen_a");
  try {
    s.GenLoop("j", "4", "gen_b");
    FAIL() << "expected a logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("salsa_demo: generate loop genvar 'j'"), std::string::npos)
        << e.what();
  }
}

}  // namespace

// Port bundles and checked instance connections (salsa/bundle.h).
#include "salsa/bundle.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "salsa/config.h"
#include "salsa/generator.h"
#include "salsa/verilog_printer.h"

namespace {

using namespace salsa::ir;

Module Leaf() {
  Module m("salsa_leaf");
  m.Parameter("Width", "8");
  m.LocalParam("Half", "Width / 2");
  m.In("clk_i");
  m.In("d_i", "Width");
  m.Out("q_o", "Width");
  return m;
}

// The message of the std::logic_error that `f` throws ("" if it throws none).
template <typename F>
std::string LogicError(F f) {
  try {
    f();
  } catch (const std::logic_error& e) {
    return e.what();
  }
  return "";
}

TEST(BundleTest, DeclaresPortsWiresAndConnections) {
  const Bundle b("status", {{"busy", Dir::kOut, "1"}, {"lo", Dir::kOut, "17"}, {"ack", Dir::kIn}});
  Module src("salsa_src");
  b.DeclarePorts(src);
  Module dst("salsa_dst");
  b.DeclarePorts(dst, "cmp_", /*flip=*/true);
  ASSERT_EQ(src.ports.size(), 3u);
  EXPECT_EQ(src.ports[0].name, "busy_o");
  EXPECT_EQ(src.ports[1].width, "17");
  EXPECT_EQ(src.ports[2].name, "ack_i");
  EXPECT_EQ(src.ports[2].dir, Dir::kIn);
  EXPECT_EQ(dst.ports[0].name, "cmp_busy_i");
  EXPECT_EQ(dst.ports[0].dir, Dir::kIn);
  EXPECT_EQ(dst.ports[2].name, "cmp_ack_o");

  Module top("salsa_top");
  Scope s = top.Body();
  b.DeclareWires(s, "cmp_");
  ASSERT_EQ(top.items.size(), 3u);
  EXPECT_EQ(top.items[1].net.name, "cmp_lo");
  EXPECT_EQ(top.items[1].net.width, "17");
  const Conns c = b.Connect("cmp_", "cmp_", true);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0], (std::pair<std::string, std::string>{"cmp_busy_i", "cmp_busy"}));
  EXPECT_NO_THROW(Instantiate(s, src, "u_src", {}, b.Connect("", "cmp_")));
  EXPECT_NO_THROW(Instantiate(s, dst, "u_dst", {}, c));

  const Bundle axi("axi", {{"arvalid", Dir::kOut}, {"arready", Dir::kIn}}, Bundle::Suffix::kNone);
  EXPECT_EQ(axi.Connect("m_axi_", "m_axi_")[1].first, "m_axi_arready");
  EXPECT_EQ(axi.Only(Dir::kIn).Signals().size(), 1u);
  EXPECT_EQ(b.Select({"lo", "busy"}).Signals()[0].name, "lo");
  EXPECT_NE(LogicError([&] { b.Select({"hi"}); }).find("no signal 'hi'"), std::string::npos);
}

TEST(BundleTest, MisspelledPortIsAGeneratorError) {
  const Module leaf = Leaf();
  Module top("salsa_top");
  Scope s = top.Body();
  s.Wire("a", "8");
  s.Wire("b", "8");
  const std::string err = LogicError([&] {
    Instantiate(s, leaf, "u_x", {}, {{"clk_i", "clk"}, {"dd_i", "a"}, {"q_o", "b"}});
  });
  EXPECT_EQ(err.rfind("salsa_top: instance u_x of salsa_leaf: no port 'dd_i'", 0), 0u) << err;
  EXPECT_TRUE(top.items.size() == 2u);  // nothing added
}

TEST(BundleTest, UnconnectedPortIsAGeneratorError) {
  const Module leaf = Leaf();
  Module top("salsa_top");
  Scope s = top.Body();
  const std::string err = LogicError([&] {
    Instantiate(s, leaf, "u_x", {}, {{"clk_i", "clk"}, {"d_i", "a"}});
  });
  EXPECT_EQ(err.rfind("salsa_top: instance u_x of salsa_leaf: port 'q_o' not connected", 0), 0u)
      << err;
}

TEST(BundleTest, DoubleConnectionAndBadParameterAreGeneratorErrors) {
  const Module leaf = Leaf();
  Module top("salsa_top");
  Scope s = top.Body();
  EXPECT_NE(LogicError([&] {
              Instantiate(s, leaf, "u_x", {},
                          {{"clk_i", "clk"}, {"d_i", "a"}, {"q_o", "b"}, {"d_i", "c"}});
            }).find("port 'd_i' connected twice"),
            std::string::npos);
  EXPECT_NE(LogicError([&] {
              Instantiate(s, leaf, "u_x", {{"Half", "2"}},
                          {{"clk_i", "clk"}, {"d_i", "a"}, {"q_o", "b"}});
            }).find("no parameter 'Half'"),
            std::string::npos);
}

TEST(BundleTest, OpenPortsArePrintedUnconnected) {
  const Module leaf = Leaf();
  Module top("salsa_top");
  Scope s = top.Body();
  EXPECT_EQ(
      Instantiate(s, leaf, "u_x", {{"Width", "4"}}, {{"clk_i", "clk"}, {"d_i", "a"}}, {"q_o"}),
      "u_x");
  const std::string v = salsa::PrintModule(top);
  EXPECT_NE(v.find(".q_o()"), std::string::npos) << v;
  EXPECT_NE(v.find(".d_i(a)"), std::string::npos) << v;
}

// Every preset and test config generates (every instance checked against its module, every
// module's names checked), and every generated block has one name: salsa_<x>.v is built by
// rtl-gen/src/blocks/<x>.cpp and documented in docs/blocks/<x>.md.
TEST(GeneratedBlocksTest, EveryBlockHasOneNameAcrossBuilderRtlAndDocs) {
  namespace fs = std::filesystem;
  const fs::path root = SALSA_SOURCE_DIR;
  unsigned configs = 0;
  for (const fs::path& dir : {root / "configs", root / "tests" / "configs"}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() != ".yaml") continue;
      ++configs;
      std::vector<salsa::GeneratedFile> files;
      ASSERT_NO_THROW(files = salsa::Generate(salsa::LoadConfig(entry.path().string()), "t"))
          << entry.path();
      // The blocks are the files of salsa.f (salsa_sim.f adds a simulation model of an SRAM
      // macro, built and documented with salsa_sram).
      std::string filelist;
      for (const auto& f : files) {
        if (f.name == "salsa.f") filelist = f.text;
      }
      for (const auto& f : files) {
        if (fs::path(f.name).extension() != ".v") continue;
        if (filelist.find("\n" + f.name + "\n") == std::string::npos) continue;
        const std::string block = fs::path(f.name).stem().string().substr(6);  // "salsa_"
        EXPECT_NE(f.text.find("module salsa_" + block + " "), std::string::npos) << f.name;
        EXPECT_TRUE(fs::exists(root / "rtl-gen" / "src" / "blocks" / (block + ".cpp")))
            << entry.path() << ": " << f.name << " has no builder " << block << ".cpp";
        EXPECT_TRUE(fs::exists(root / "docs" / "blocks" / (block + ".md")))
            << entry.path() << ": " << f.name << " has no page docs/blocks/" << block << ".md";
      }
    }
  }
  EXPECT_GE(configs, 6u);
}

}  // namespace

// The ports sweep of salsa bench (bench/bench_ports.h): its flag, configs, case, target, Markdown
// section and plot.
#include "bench/bench_ports.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "bench_test_util.h"
#include "salsa/config.h"

namespace salsa::bench {
namespace {

// A sweep run as FillFromHarnessJson and salsa bench would leave it.
CaseResult SweepRun(unsigned ports, unsigned latency, uint64_t cycles) {
  CaseResult r;
  r.preset = "ports" + std::to_string(ports) + "_16x16";
  r.bench_case = PortsCase(false);
  r.latency = latency;
  r.rows = r.cols = 16;
  r.bus_bytes = 16 * ports;
  r.pass = true;
  r.cycles = cycles;
  r.macs = 4096ull * 4096;
  r.compulsory_bytes = 4096ull * 4096 + 4096 + 1 + 4 * 4096;
  r.roof = ComputeRoofline(r.macs, r.compulsory_bytes, 16, 16, r.bus_bytes);
  r.compulsory_bw = static_cast<double>(r.compulsory_bytes) / (cycles * 16.0 * ports);
  r.ports = ports;
  r.slices = ports == 1 ? 1 : 2 * ports;
  return r;
}

TEST(BenchPortsTest, ParsePortCounts) {
  EXPECT_EQ(ParsePortCounts("1,2,4,8"), (std::vector<unsigned>{1, 2, 4, 8}));
  EXPECT_EQ(ParsePortCounts(" 16 "), (std::vector<unsigned>{16}));
  EXPECT_TRUE(ParsePortCounts("none").empty());
  EXPECT_TRUE(ParsePortCounts("").empty());
  for (const char* bad : {"3", "1,,2", "0", "32", "2,2", "x"}) {
    EXPECT_THROW(ParsePortCounts(bad), std::invalid_argument) << bad;
  }
  try {
    ParsePortCounts("1,3");
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--ports '1,3': '3'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("accepted"), std::string::npos);
  }
}

TEST(BenchPortsTest, ConfigsParseWithTheirPorts) {
  for (unsigned p : {1u, 2u, 4u, 8u, 16u}) {
    const Config c = ParseConfig(PortsConfigYaml(p), "t");
    EXPECT_EQ(c.axi_ports, p);
    EXPECT_EQ(c.BusBytes(), 16 * p);
    EXPECT_EQ(c.name, "ports" + std::to_string(p) + "_16x16");
  }
  EXPECT_EQ(PortsCase(false).name, "gemv_1x4096x4096");
  EXPECT_EQ(PortsCase(true).M, 1);
}

TEST(BenchPortsTest, TargetAtFourPortsLatency100) {
  std::vector<CaseResult> rs = {SweepRun(1, 100, 1117741), SweepRun(4, 100, 279253),
                                SweepRun(4, 200, 300000)};
  auto t = CheckPortsTargets(rs);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_TRUE(t[0].met);
  EXPECT_EQ(t[0].latency, 100u);
  rs[1].cycles = 292001;
  EXPECT_FALSE(CheckPortsTargets(rs)[0].met);
  rs[1].cycles = 279253;
  rs[1].pass = false;
  EXPECT_FALSE(CheckPortsTargets(rs)[0].met);
  // A sweep without that run says so; no sweep, no row.
  t = CheckPortsTargets({SweepRun(2, 100, 542294)});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_FALSE(t[0].not_run.empty());
  CaseResult main = SweepRun(4, 100, 279253);
  main.ports = 0;
  EXPECT_TRUE(CheckPortsTargets({main}).empty());
  EXPECT_FALSE(InMainSuite(SweepRun(4, 100, 1)));
}

TEST(BenchPortsTest, MarkdownAndPlot) {
  const std::vector<CaseResult> rs = {SweepRun(1, 100, 1117741), SweepRun(2, 100, 542294),
                                      SweepRun(4, 100, 279253), SweepRun(8, 100, 147797),
                                      SweepRun(4, 200, 290000)};
  const std::string md = PortsMarkdown(rs, CheckPortsTargets(rs), "bench/ports.svg");
  EXPECT_NE(md.find("## Several AXI ports"), std::string::npos);
  EXPECT_NE(md.find("![ports](bench/ports.svg)"), std::string::npos);
  EXPECT_NE(md.find("| ports4_16x16 | GEMV 1×4096×4096 | 100 | 4 | 8 | 279,253 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("4.00×"), std::string::npos) << md;  // 1,117,741 / 279,253
  EXPECT_NE(md.find("**met**"), std::string::npos);
  EXPECT_EQ(PortsMarkdown({}, {}, "x.svg"), "");
  const std::string svg = PortsSvg(rs);
  test::ExpectWellFormed(svg);
  EXPECT_NE(svg.find("bandwidth roof"), std::string::npos);
  EXPECT_NE(svg.find("compute roof"), std::string::npos);
  EXPECT_NE(svg.find("latency 200"), std::string::npos);
  EXPECT_NE(svg.find("279,253 cycles"), std::string::npos);
  test::ExpectWellFormed(PortsSvg({}));
}

}  // namespace
}  // namespace salsa::bench

// Unit tests of the several-port DRAM model (salsa/axi_dram_ports.h): the lane address rule, each
// port's share of the image, per-port latency skew and faults, and the summed statistics.
#include "salsa/axi_dram_ports.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <vector>

namespace salsa {
namespace {

std::vector<uint8_t> Pattern(size_t n) {
  std::vector<uint8_t> mem(n);
  for (size_t i = 0; i < n; ++i) mem[i] = static_cast<uint8_t>(i * 13 + (i >> 8));
  return mem;
}

// One read burst of `len + 1` beats at `addr` on port `p`, always ready; returns the beats'
// data and responses after `cycles` cycles (every other port idle).
struct Beats {
  std::vector<std::vector<uint8_t>> data;
  std::vector<unsigned> resp;
  uint64_t first_edge = 0;
};
Beats ReadOn(AxiDramPorts& d, unsigned p, uint64_t addr, unsigned len, unsigned bytes,
             unsigned cycles) {
  Beats b;
  bool ar_done = false;
  for (unsigned c = 0; c < cycles; ++c) {
    AxiMasterOut m;
    m.arsize = m.awsize = bytes == 8 ? 3 : 4;
    m.rready = m.bready = true;
    m.wdata.assign(bytes, 0);
    m.arvalid = !ar_done;
    m.araddr = addr;
    m.arlen = len;
    const AxiSlaveOut s = d.port(p).outputs();
    if (m.arvalid && s.arready) ar_done = true;
    if (s.rvalid) {
      if (b.data.empty()) b.first_edge = c;
      b.data.push_back(s.rdata);
      b.resp.push_back(s.rresp);
    }
    for (unsigned q = 0; q < d.ports(); ++q) d.port(q).Tick(q == p ? m : AxiMasterOut{});
  }
  return b;
}

TEST(AxiDramPortsTest, LaneRuleCoversEveryByteOnce) {
  for (unsigned ports : {2u, 4u, 8u}) {
    for (unsigned bytes : {8u, 16u}) {
      const unsigned wide = ports * bytes;
      std::set<uint64_t> seen;
      for (unsigned p = 0; p < ports; ++p) {
        for (uint64_t local = 0; local < 4 * bytes; ++local) {
          const uint64_t g = LaneToGlobal(local, p, ports, bytes);
          EXPECT_EQ((g / bytes) % ports, p);
          EXPECT_EQ(g / wide * bytes + g % bytes, local);
          EXPECT_TRUE(seen.insert(g).second) << g;
        }
      }
      EXPECT_EQ(seen.size(), 4u * wide);
      EXPECT_EQ(*seen.rbegin(), 4u * wide - 1);
    }
  }
}

TEST(AxiDramPortsTest, EachPortReadsItsLanes) {
  auto mem = Pattern(4096);
  AxiDram::Options o;
  o.read_latency = 3;
  AxiDramPorts d(mem, 16, 4, o);
  ASSERT_EQ(d.ports(), 4u);
  for (unsigned p = 0; p < 4; ++p) {
    // Wide beats 2 and 3 (global 128 .. 255): port p's local beats at 32 and 48.
    const Beats b = ReadOn(d, p, 32, 1, 16, 20);
    ASSERT_EQ(b.data.size(), 2u) << "port " << p;
    for (unsigned beat = 0; beat < 2; ++beat) {
      for (unsigned i = 0; i < 16; ++i) {
        EXPECT_EQ(b.data[beat][i], mem[(2 + beat) * 64 + p * 16 + i]) << p << " " << beat;
      }
    }
  }
  EXPECT_EQ(d.stats().read_beats, 8u);
  EXPECT_EQ(d.stats().read_bursts, 4u);
  EXPECT_TRUE(d.violations().empty());
}

TEST(AxiDramPortsTest, SkewAndFaultPerPort) {
  auto mem = Pattern(4096);
  AxiDram::Options o;
  o.read_latency = 5;
  o.error_lo = 130;  // inside wide beat 2 (128 .. 191)
  o.error_hi = 131;
  AxiPortOptions per;
  per.latency_step = 7;
  per.error_port = 2;
  AxiDramPorts d(mem, 16, 4, o, per);
  for (unsigned p = 0; p < 4; ++p) {
    const Beats b = ReadOn(d, p, 32, 0, 16, 60);
    ASSERT_EQ(b.resp.size(), 1u);
    EXPECT_EQ(b.first_edge, 5u + 7u * p) << "port " << p;
    EXPECT_EQ(b.resp[0], p == 2 ? unsigned{kAxiSlvErr} : unsigned{kAxiOkay}) << "port " << p;
  }
  // Without a port named, every port's share of the faulted wide beat answers SLVERR.
  per.error_port = -1;
  AxiDramPorts all(mem, 16, 4, o, per);
  for (unsigned p = 0; p < 4; ++p) EXPECT_EQ(ReadOn(all, p, 32, 0, 16, 60).resp[0], kAxiSlvErr);
}

TEST(AxiDramPortsTest, ViolationsNameTheirPort) {
  auto mem = Pattern(4096);
  AxiDramPorts d(mem, 16, 2, AxiDram::Options{});
  // Port 1's share is 2048 bytes: a burst at 2048 is outside it.
  ReadOn(d, 1, 2048, 0, 16, 30);
  ASSERT_FALSE(d.violations().empty());
  EXPECT_EQ(d.violations().front().rfind("port 1: ", 0), 0u) << d.violations().front();
  EXPECT_EQ(d.stats().violations, 1u);
}

TEST(AxiDramPortsTest, OnePortIsThePlainModel) {
  auto mem = Pattern(1024);
  AxiDramPorts d(mem, 8, 1, AxiDram::Options{});
  const Beats b = ReadOn(d, 0, 8, 0, 8, 40);
  ASSERT_EQ(b.data.size(), 1u);
  for (unsigned i = 0; i < 8; ++i) EXPECT_EQ(b.data[0][i], mem[8 + i]);
  EXPECT_THROW(AxiDramPorts(mem, 8, 3, AxiDram::Options{}), std::invalid_argument);
}

}  // namespace
}  // namespace salsa

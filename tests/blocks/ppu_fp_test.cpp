// salsa_ppu of an fp8 build (tests/configs/lowp_8x8.yaml, 8 columns) on FP rows: each column's
// salsa_fp_out against the reference (salsa/fp8.h: Fp32Mul, then Fp32ToBf16 / Fp32ToFp8 with
// saturate) and the row packing (element c little-endian at byte c * e, e = 4/2/1, zero above).
// Rows enter back to back, one per cycle, for every format and saturate value, with FP32 lanes
// around each format's overflow threshold, its subnormal range (ties included), zeros, infinities
// and NaNs, and scales 1.0, powers of two, random, 0, inf, NaN, huge and subnormal. int8 rows
// (fmt 0): the bytes above the cols int8 results are zero. Built and run by
// tests/cli/store_fp_check.sh; prints the first mismatch and exits 1.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "Vsalsa_ppu.h"
#include "salsa/fp8.h"
#include "verilated.h"

namespace {

namespace fp = salsa::fp;

constexpr unsigned kCols = 8;  // lowp_8x8
using Row = std::array<uint32_t, kCols>;

// An FP32 lane: random bits, or near a boundary of some output format (bits +- a small delta).
uint32_t Lane(std::mt19937& rng) {
  static const uint32_t kBases[] = {
      0x00000000, 0x7F800000, 0x7FC00000, 0x7F800001, 0x00000001, 0x00800000,  // 0 inf NaN sub
      0x3F800000, 0x7F7F0000, 0x7F7FFFFF,                                      // 1.0, bf16 max
      0x43E00000, 0x43F00000, 0x43E80000,  // E4M3: 448 (max), 480, 464 (the tie above max)
      0x47600000, 0x47700000, 0x47680000,  // E5M2: 57344 (max), 61440, the tie above max
      0x3B000000, 0x3A800000, 0x3C800000,  // E4M3: 2^-9 (min sub), its half (a tie), 2^-6
      0x37800000, 0x37000000, 0x38800000,  // E5M2: 2^-16 (min sub), its half, 2^-14
  };
  const uint32_t sign = (rng() & 1u) << 31;
  switch (rng() % 4) {
    case 0:
      return rng();
    case 1:
      return kBases[rng() % (sizeof(kBases) / sizeof(kBases[0]))] | sign;
    default: {
      const uint32_t base = kBases[rng() % (sizeof(kBases) / sizeof(kBases[0]))];
      const int delta = static_cast<int>(rng() % 0x40001) - 0x20000;  // within the mantissa
      return static_cast<uint32_t>(static_cast<int64_t>(base) + delta) | sign;
    }
  }
}

uint32_t Scale(std::mt19937& rng, unsigned batch) {
  switch (batch % 8) {
    case 0:
      return 0x3F800000;  // 1.0 (exact)
    case 1:
      return 0x3E000000;  // 2^-3
    case 2:
      return 0x40800000 | ((rng() & 1u) << 31);  // +-4
    case 3:
      return 0x71800000;  // 2^100: everything overflows
    case 4:
      return 0x00400000;  // a subnormal: everything underflows
    case 5:
      return std::array<uint32_t, 3>{0x00000000, 0x7F800000, 0x7FC00000}[rng() % 3];
    default:
      return (rng() & 0x807FFFFFu) | ((118u + rng() % 20) << 23);  // random, 2^-9 .. 2^10
  }
}

// Column c's element (contract OutFmt fmt, 1..4), as salsa_fp_out's y_o.
uint32_t Expect(uint32_t x, uint32_t scale, unsigned fmt, bool sat) {
  const uint32_t y = fp::Fp32Mul(x, scale);
  switch (fmt) {
    case 1:
      return y;
    case 2:
      return fp::Fp32ToBf16(y, sat);
    case 3:
      return fp::Fp32ToFp8(y, fp::Fp8Format::kE4M3, sat);
    default:
      return fp::Fp32ToFp8(y, fp::Fp8Format::kE5M2, sat);
  }
}

std::vector<uint8_t> Bytes(const VlWide<8>& w) {
  std::vector<uint8_t> b(4 * kCols);
  for (unsigned i = 0; i < 4 * kCols; ++i) b[i] = static_cast<uint8_t>(w[i / 4] >> (8 * (i % 4)));
  return b;
}

void Fail(const std::string& what) {
  std::printf("FAIL: %s\n", what.c_str());
  std::exit(1);
}

std::string Hex(uint32_t v) {
  char s[16];
  std::snprintf(s, sizeof(s), "0x%08X", v);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  Vsalsa_ppu m;
  std::mt19937 rng(14);
  m.clk_i = 0;
  m.rst_ni = 0;
  m.eval();
  m.rst_ni = 1;
  m.eval();
  unsigned rows_checked = 0, lat = 0;
  unsigned batch = 0;
  for (unsigned fmt = 0; fmt <= 4; ++fmt) {
    for (bool sat : {false, true}) {
      for (unsigned rep = 0; rep < 8; ++rep, ++batch) {
        const unsigned n = 64;
        Row scale;
        for (auto& s : scale) s = Scale(rng, batch);
        std::vector<Row> in(n);
        for (auto& r : in)
          for (auto& x : r) x = Lane(rng);
        std::vector<std::vector<uint8_t>> got;
        for (unsigned t = 0; t < n + 6; ++t) {
          m.valid_i = t < n;
          for (unsigned c = 0; c < kCols; ++c) {
            m.acc_i[c] = t < n ? in[t][c] : rng();
            m.bias_i[c] = rng();
            m.mult_i[c] = scale[c];
          }
          m.shift_i = 0;
          m.zp_i = 0;
          m.min_i = 0x80;
          m.max_i = 0x7F;
          m.fmt_i = fmt;
          m.sat_i = sat;
          m.eval();
          if (m.valid_o) {
            if (got.empty() && lat == 0) lat = t;
            if (got.empty() && t != lat)
              Fail("valid_o " + std::to_string(t) + " cycles after valid_i, was " +
                   std::to_string(lat));
            got.push_back(Bytes(m.out_o));
          }
          m.clk_i = 1;
          m.eval();
          m.clk_i = 0;
          m.eval();
        }
        if (got.size() != n) Fail(std::to_string(got.size()) + " rows out of " + std::to_string(n));
        if (lat != 2 && lat != 3) Fail("latency " + std::to_string(lat));
        const unsigned e = fmt == 1 ? 4 : fmt == 2 ? 2 : 1;
        for (unsigned r = 0; r < n; ++r) {
          for (unsigned i = (fmt ? 0 : kCols); i < 4 * kCols; ++i) {
            const unsigned c = i / e;
            const uint8_t want =
                fmt == 0 || c >= kCols
                    ? 0
                    : static_cast<uint8_t>(Expect(in[r][c], scale[c], fmt, sat) >> (8 * (i % e)));
            if (got[r][i] != want)
              Fail("fmt " + std::to_string(fmt) + " sat " + std::to_string(sat) + " row " +
                   std::to_string(r) + " byte " + std::to_string(i) + ": got " +
                   std::to_string(got[r][i]) + ", want " + std::to_string(want) + " (x " +
                   Hex(c < kCols ? in[r][c] : 0) + ", scale " + Hex(c < kCols ? scale[c] : 0) +
                   ")");
          }
          ++rows_checked;
        }
      }
    }
  }
  std::printf(
      "ppu_fp_test: %u rows of %u columns passed (latency %u; fp32, bf16, e4m3, e5m2 "
      "with and without saturate; int8 rows zero above cols bytes)\n",
      rows_checked, kCols, lat);
  m.final();
  return 0;
}

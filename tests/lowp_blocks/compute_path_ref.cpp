// The data and the reference of compute_path_tb.v (lowp_8x8: 8x8, 64 act/weight/acc words).
//   compute_path_ref gen    writes act.hex and wgt.hex (random FP8 codes, many +0/-0; four
//                           weight words of FP32 biases)
//   compute_path_ref check  reads acc_out.hex and compares every written acc word with fp8.h's
//                           Fp8Dot (E4M3 with bias, E5M2), int4w row-pair sums and int8 sums,
//                           and one acc word past the int4w tile's rows/2 that must be untouched.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "salsa/fp8.h"
using namespace salsa::fp;
static const int R = 8, C = 8, W = 64;
uint8_t act[W][R], wgt[W][C];
uint32_t accv[W][C];
int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: compute_path_ref gen|check\n");
    return 2;
  }
  std::mt19937 rng(5);
  for (int i = 0; i < W; ++i) {
    for (int r = 0; r < R; ++r) {
      act[i][r] = rng() % 256;
      if (rng() % 5 == 0) act[i][r] &= 0x80;
    }
    for (int c = 0; c < C; ++c) wgt[i][c] = rng() % 256;
  }
  // biases at weight words 40..43 (E4M3 tile)
  uint32_t bias[C];
  for (int c = 0; c < C; ++c) {
    bias[c] = rng();
    if (c == 3) bias[c] = 0x80000000u;
    if (c == 5) bias[c] = 0x00000001u;
  }
  // SCAN words (compute_path_tb.v): 56 and 58 only +0/-0 codes, 57 one lane 0x01, 59 one 0x10.
  for (int r = 0; r < R; ++r) {
    act[56][r] = act[58][r] = (r % 2) ? 0x80 : 0x00;
    act[57][r] = r == 5 ? 0x01 : 0x80;
    act[59][r] = r == 2 ? 0x10 : 0x00;
  }
  act[58][3] = 0x00;
  for (int i = 0; i < 4; ++i)
    for (int c = 0; c < C; ++c) wgt[40 + i][c] = (bias[c] >> (8 * i)) & 0xFF;
  if (std::string(argv[1]) == "gen") {
    FILE* fa = fopen("act.hex", "w");
    FILE* fw = fopen("wgt.hex", "w");
    for (int i = 0; i < W; ++i) {
      for (int r = R - 1; r >= 0; --r) fprintf(fa, "%02x", act[i][r]);
      fprintf(fa, "\n");
      for (int c = C - 1; c >= 0; --c) fprintf(fw, "%02x", wgt[i][c]);
      fprintf(fw, "\n");
    }
    fclose(fa);
    fclose(fw);
    return 0;
  }
  FILE* fo = fopen("acc_out.hex", "r");
  if (!fo) {
    printf("compute_path_ref: no acc_out.hex\n");
    return 1;
  }
  char line[128];
  for (int i = 0; i < W; ++i) {
    if (!fgets(line, sizeof line, fo)) {
      printf("short acc_out\n");
      return 1;
    }
    for (int c = 0; c < C; ++c) {
      char h[9];
      memcpy(h, line + (C - 1 - c) * 8, 8);
      h[8] = 0;
      accv[i][c] = (h[0] == 'x' || h[0] == 'X') ? 0xDEADDEAD : strtoul(h, nullptr, 16);
    }
  }
  int errors = 0, checked = 0;
  auto chk = [&](int addr, int c, uint32_t e, const char* what) {
    ++checked;
    if (accv[addr][c] != e) {
      if (errors++ < 10)
        printf("MISMATCH %s acc[%d] col %d: got %08x expected %08x\n", what, addr, c, accv[addr][c],
               e);
    }
  };
  auto sx = [](int v, int b) {
    int m = 1 << (b - 1);
    return ((v & ((1 << b) - 1)) ^ m) - m;
  };
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) {
      std::vector<uint8_t> a, w;
      // E4M3: bias, then act/wgt words 0..10
      for (int k = 0; k < 11; ++k) {
        a.push_back(act[k][r]);
        w.push_back(wgt[k][c]);
      }
      chk(0 + r, c, Fp8Dot(bias[c], a.data(), w.data(), 11, 1, Fp8Format::kE4M3), "e4m3+bias");
      a.clear();
      w.clear();
      for (int k = 20; k < 27; ++k) {
        a.push_back(act[k][r]);
        w.push_back(wgt[k][c]);
      }
      chk(10 + r, c, Fp8Dot(0, a.data(), w.data(), 7, 1, Fp8Format::kE5M2), "e5m2");
      // int8 tile: act/wgt 44..49, zp 0x10
      int32_t s = 0;
      for (int k = 44; k < 50; ++k) s += (sx(act[k][r], 8) - 2) * sx(wgt[k][c], 8);
      chk(30 + r, c, uint32_t(s), "int8");
    }
  for (int j = 0; j < R / 2; ++j)
    for (int c = 0; c < C; ++c) {
      int32_t s = 0;
      for (int k = 50; k < 55; ++k)
        s += (sx(act[k][2 * j], 8) - 2) * sx(wgt[k][c], 4) +
             (sx(act[k][2 * j + 1], 8) - 2) * sx(wgt[k][c] >> 4, 4);
      chk(20 + j, c, uint32_t(s), "int4w");
    }
  for (int c = 0; c < C; ++c) chk(24, c, 0xDEADBEEF, "untouched");
  printf("compute_path_ref: %d values checked, %d mismatches\n", checked, errors);
  return errors != 0;
}

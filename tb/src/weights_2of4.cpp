// 2:4 structured weights: pruning, the check, and the compressed format (values + positions).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "salsa/layer_gen.h"

namespace salsa {
namespace {

void FailProblem(const char* fn, const std::string& what) {
  throw std::invalid_argument(std::string(fn) + ": " + what);
}

}  // namespace

void Prune2of4(std::vector<int8_t>* w, int64_t N, int64_t K) {
  if (N < 1 || K < 1 || static_cast<int64_t>(w->size()) != N * K) {
    throw std::invalid_argument("Prune2of4: weights are not [N][K] with N, K >= 1");
  }
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t g = 0; g < K; g += 4) {
      int8_t* grp = w->data() + n * K + g;
      const int64_t size = std::min<int64_t>(4, K - g);
      int64_t idx[4] = {0, 1, 2, 3};
      // Stable by magnitude, descending: ties keep the lower index first.
      std::stable_sort(idx, idx + size, [grp](int64_t a, int64_t b) {
        return std::abs(int{grp[a]}) > std::abs(int{grp[b]});
      });
      for (int64_t i = 2; i < size; ++i) grp[idx[i]] = 0;
    }
  }
}

void Prune2of4(FcLayer* l) { Prune2of4(&l->weights, l->N, l->K); }

bool Is2of4(const std::vector<int8_t>& w, int64_t N, int64_t K) {
  if (N < 1 || K < 1 || static_cast<int64_t>(w.size()) != N * K) return false;
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t g = 0; g < K; g += 4) {
      int nonzero = 0;
      for (int64_t k = g; k < std::min<int64_t>(K, g + 4); ++k) nonzero += w[n * K + k] != 0;
      if (nonzero > 2) return false;
    }
  }
  return true;
}

int64_t Compressed2of4Cols(int64_t K) { return (K + 3) / 4 * 2; }

Compressed2of4 Compress2of4(const std::vector<int8_t>& dense, int64_t N, int64_t K) {
  if (N < 1 || K < 1 || static_cast<int64_t>(dense.size()) != N * K) {
    throw std::invalid_argument("Compress2of4: weights are not [N][K] with N, K >= 1");
  }
  const int64_t cols = Compressed2of4Cols(K);
  Compressed2of4 c;
  c.values.resize(static_cast<size_t>(N * cols));
  c.meta.resize(static_cast<size_t>(N * cols));
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t g = 0; g < cols / 2; ++g) {
      const int64_t k0 = 4 * g, size = std::min<int64_t>(4, K - k0);
      auto at = [&](int64_t p) { return p < size ? dense[n * K + k0 + p] : int8_t{0}; };
      std::vector<int64_t> pos;
      for (int64_t p = 0; p < 4; ++p) {
        if (at(p) != 0) pos.push_back(p);
      }
      if (pos.size() > 2) {
        FailProblem("Compress2of4", "row " + std::to_string(n) + ", K " + std::to_string(k0) +
                                        ".." + std::to_string(k0 + size - 1) + " has " +
                                        std::to_string(pos.size()) + " non-zero values: not 2:4");
      }
      for (int64_t p = 0; pos.size() < 2; ++p) {
        if (std::find(pos.begin(), pos.end(), p) == pos.end()) pos.push_back(p);
      }
      std::sort(pos.begin(), pos.end());
      for (int i = 0; i < 2; ++i) {
        c.values[n * cols + 2 * g + i] = at(pos[i]);
        c.meta[n * cols + 2 * g + i] = static_cast<uint8_t>(pos[i]);
      }
    }
  }
  return c;
}

Problem2of4 Check2of4(const Compressed2of4& c, int64_t N, int64_t K) {
  Problem2of4 p;
  const int64_t cols = Compressed2of4Cols(K);
  if (static_cast<int64_t>(c.values.size()) != N * cols ||
      static_cast<int64_t>(c.meta.size()) != N * cols) {
    p.what = std::to_string(c.values.size()) + " values and " + std::to_string(c.meta.size()) +
             " positions for N * ceil(K/4)*2 = " + std::to_string(N * cols);
    p.in_values = static_cast<int64_t>(c.values.size()) != N * cols;
    return p;
  }
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t g = 0; g < cols / 2; ++g) {
      const int64_t i = n * cols + 2 * g;
      for (int64_t j = i; j < i + 2; ++j) {
        if (c.meta[j] > 3) {
          p.what = "position " + std::to_string(c.meta[j]) + " is out of range";
          p.index = j;
          return p;
        }
      }
      if (c.meta[i] >= c.meta[i + 1]) {
        p.what = "position " + std::to_string(c.meta[i + 1]) + " does not follow position " +
                 std::to_string(c.meta[i]) + " of the same group of 4 (not strictly increasing)";
        p.index = i + 1;
        return p;
      }
      for (int64_t j = i; j < i + 2; ++j) {
        if (4 * g + c.meta[j] >= K && c.values[j] != 0) {
          p.what = "value " + std::to_string(c.values[j]) + " at position " +
                   std::to_string(c.meta[j]) + " is k = " + std::to_string(4 * g + c.meta[j]) +
                   ", beyond K = " + std::to_string(K) + " (padding of the last group)";
          p.index = j;
          p.in_values = true;
          return p;
        }
      }
    }
  }
  return p;
}

std::vector<int8_t> Decompress2of4(const Compressed2of4& c, int64_t N, int64_t K) {
  if (N < 1 || K < 1) throw std::invalid_argument("Decompress2of4: N and K must be >= 1");
  const Problem2of4 p = Check2of4(c, N, K);
  if (!p.what.empty()) {
    FailProblem("Decompress2of4",
                (p.index >= 0 ? "element " + std::to_string(p.index) + ": " : "") + p.what);
  }
  const int64_t cols = Compressed2of4Cols(K);
  std::vector<int8_t> dense(static_cast<size_t>(N * K), 0);
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t j = 0; j < cols; ++j) {
      const int64_t k = 4 * (j / 2) + c.meta[n * cols + j];
      if (k < K) dense[n * K + k] = c.values[n * cols + j];
    }
  }
  return dense;
}

}  // namespace salsa

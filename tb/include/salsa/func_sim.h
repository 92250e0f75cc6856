// Functional (untimed) model of salsa: executes a command list against a DRAM image exactly as
// docs/architecture.md specifies, with the error codes of the CSR map.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "salsa/hw_params.h"

namespace salsa {

struct FuncSimResult {
  uint32_t status = 0;     // STATUS bits after the run: done, plus error on a failure
  uint32_t err_code = 0;   // ErrCode
  uint32_t err_cmd = 0;    // index of the failing command (valid when err_code != 0)
  std::string err_detail;  // human-readable reason, empty on success
  // Counter values the model can know. cycles, stall_load and stall_store are 0 (untimed);
  // rd_bytes / wr_bytes are the bus-aligned beats touched by each access x bus bytes (the minimum
  // the hardware must move; not compared bit-exactly). mac_active is the number of K steps,
  // gated the number of activation operands equal to the input zero point (every array row,
  // padded rows included, every K step) and commands the commands completed. With zero_skip,
  // indexed COMPUTEs count only the steps they feed (mac_active, gated), skipped_steps the
  // entries they did not, and skipped_wgt_bytes the weight bytes gather LOADs did not fetch.
  // With structured24, a 2:4 COMPUTE of K compressed steps adds K to mac_active and, per step,
  // the zero-point activations among the four of each row's group to gated. FP8 COMPUTEs count
  // +-0 activation codes as gated (the zero point is ignored); a bias_load COMPUTE adds its 4
  // steps to mac_active and nothing to gated.
  std::array<uint64_t, contract::kNumCounters> counters{};

  bool ok() const { return err_code == contract::ErrCodeOf("none"); }
};

class FuncSim {
 public:
  explicit FuncSim(const HwParams& hw);

  // Runs cmd_count commands from cmd_base. DRAM reads and writes outside `dram` are AXI errors.
  FuncSimResult Run(std::vector<uint8_t>& dram, uint64_t cmd_base, uint32_t cmd_count);

  // Scratchpad and accumulator state (for tests and debugging).
  const std::vector<uint8_t>& act() const { return act_; }
  const std::vector<uint8_t>& weight() const { return weight_; }
  // structured24: weight_words meta words of cols / 4 bytes (empty otherwise).
  const std::vector<uint8_t>& meta() const { return meta_; }
  const std::vector<int32_t>& acc_sp() const { return acc_sp_; }
  const std::vector<int32_t>& accumulators() const { return array_acc_; }
  // zero_skip: the index list of the last SCAN (its nnz entries; empty before the first SCAN).
  std::vector<uint16_t> index_list() const {
    return std::vector<uint16_t>(idx_.begin(), idx_.begin() + nnz_);
  }
  uint32_t nnz() const { return nnz_; }

 private:
  // Each returns contract::ErrCodeOf("none") or the error code, and fills detail_ on an error.
  uint32_t Execute(const uint8_t* cmd, std::vector<uint8_t>& dram);
  uint32_t Load(const uint8_t* c, const std::vector<uint8_t>& dram);
  uint32_t LoadGather(const uint8_t* c, const std::vector<uint8_t>& dram);
  uint32_t Compute(const uint8_t* c);
  uint32_t ComputeWs(const uint8_t* c);
  // The im2col fields of a ws COMPUTE with the conv flag (hw_contract.h; docs/conv.md).
  struct ConvWalk {
    bool ok = false;
    uint32_t ow = 1, kw = 1, nc = 1, sy = 1, sx = 1, dy = 1, dx = 1;
    uint32_t y_lo = 0, y_hi = 0, x_lo = 0, x_hi = 0, org = 0, rw = 0, pw = 0, span = 0;
    // The act word stream word m of block b reads, or -1 for padding (the zero point).
    int64_t Word(uint32_t act_addr, uint64_t b, uint32_t m) const;
  };
  static ConvWalk ConvWalkOf(const uint8_t* c);
  // Output-stationary im2col (HwParams::OsConv, func_sim_osconv.cpp): the `steps` act words a
  // COMPUTE with the conv flag feeds to its tile `tile`, padded lanes `zp`; false (and why) on a
  // bad field.
  bool OsConvGather(const uint8_t* c, uint32_t act_addr, uint32_t steps, uint32_t tile, uint8_t zp,
                    std::vector<uint8_t>* out, std::string* why) const;
  // structured24: the steps of a 2:4 COMPUTE (docs/architecture.md, "2:4 commands").
  void Feed24(uint32_t steps, int32_t zp, uint32_t act_addr, uint32_t weight_addr);
  void MacInt8(int32_t d, const uint8_t* wt, int32_t* acc);
  void MacInt4(int32_t d, const uint8_t* wt, unsigned nibble, int32_t* acc);
  void FeedIndexedSlices(uint32_t n, int32_t zp, uint32_t weight_addr, uint32_t j0, uint32_t stride,
                         uint32_t t, unsigned prec);
  uint32_t Scan(const uint8_t* c);
  // The steps of a K-step or indexed COMPUTE: act word act(e) times weight word wgt(e), in
  // precision `prec` (contract::Prec; FP8: the accumulators hold FP32 bits). K slices (S =
  // `slices` > 1): row i of step e takes weight word weight_addr + S*e + i / (rows / S).
  // `src` (im2col): the act words themselves, word e at src + e * rows.
  void Feed(uint32_t steps, int32_t zp, uint32_t act_addr, uint32_t weight_addr, bool indexed,
            uint32_t j0, uint32_t stride, unsigned prec, unsigned slices,
            const uint8_t* src = nullptr);
  // Entries an indexed command with L entries from j0 really uses: min(L, max(0, nnz - j0)).
  uint32_t Clamp(uint32_t entries, uint32_t j0) const;
  uint32_t Store(const uint8_t* c, std::vector<uint8_t>& dram);
  // STORE with an FP out_fmt (1..4; 5..7 are field errors).
  uint32_t StoreFp(const uint8_t* c, std::vector<uint8_t>& dram, unsigned out_fmt);
  uint32_t Fail(uint32_t code, const std::string& detail);
  void CountBeats(uint64_t addr, uint64_t bytes, unsigned counter);

  HwParams hw_;
  std::vector<uint8_t> act_;        // act_words x rows bytes
  std::vector<uint8_t> weight_;     // weight_words x cols bytes
  std::vector<uint8_t> meta_;       // structured24: weight_words x cols / 4 bytes
  std::vector<int32_t> acc_sp_;     // acc_words x cols int32
  std::vector<int32_t> array_acc_;  // rows x cols int32 (the PE accumulators)
  std::array<uint64_t, contract::kNumCounters> counters_{};
  std::string detail_;
  // zero_skip: the index list (act_words entries of which the first nnz_ are valid) and the act
  // words the last SCAN read.
  std::vector<uint16_t> idx_;
  uint32_t nnz_ = 0, scan_addr_ = 0, scan_k_ = 0;
  // K-slice builds: the last SCAN's packed act words (a + K) and its S (1: none packed).
  uint32_t scan_packed_ = 0, scan_slices_ = 1;
};

}  // namespace salsa

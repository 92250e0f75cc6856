// salsa run --flip-bits: flips bits in the SRAM banks' stored words during a layer (sram.ecc:
// secded builds, whose salsa_sim.vlt makes each salsa_sram's mem_q writable and its ports readable
// by name), and follows every corrupted word until it is overwritten: each read of one is a read
// the hardware must correct (one flipped bit) or report (two). docs/reliability.md.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "axi_port.h"

namespace salsa::harness {

// One SRAM bank of one scratchpad instance, as the model exposes it.
struct SramBank {
  std::string spad;  // the scratchpad instance: "u_act_spad", "u_wgt_spad.u_way1"
  unsigned bank = 0;
  unsigned depth = 0;      // rows
  unsigned code_bits = 0;  // stored bits per row (data, check bits, parity)
  void* mem = nullptr;
  const void* we = nullptr;
  const void* waddr = nullptr;
  const void* re = nullptr;
  const void* raddr = nullptr;
  unsigned addr_bytes = 1;       // waddr_i / raddr_i storage
  std::vector<unsigned> recent;  // rows written lately (a ring of up to kRecent)
  unsigned recent_next = 0;
  static constexpr unsigned kRecent = 64;
};

// A corrupted row, until it is overwritten.
struct FlippedWord {
  unsigned bank = 0, row = 0;
  unsigned bits[2] = {0, 0};
  bool dbl = false;
  uint64_t cycle = 0;  // cycles after the start when it was flipped
  uint64_t reads = 0;  // reads of it while corrupted
  bool live = true;
};

class SramFaults : public SimHook {
 public:
  // Finds every salsa_sram bank in the model's scopes; throws std::runtime_error when there is
  // none (a build without salsa_sim.vlt).
  explicit SramFaults(VerilatedContext* ctx);
  // Flips `n` words (one bit each, or two with `dbl`) at random cycles in [1, horizon] after
  // this call, each in a random bank, in a row written lately (so that it is likely to be read).
  void Arm(unsigned n, bool dbl, uint64_t horizon, uint64_t seed);
  void Disarm() { armed_ = false; }
  void BeforeRise() override;

  const std::vector<SramBank>& banks() const { return banks_; }
  const std::vector<FlippedWord>& flipped() const { return flipped_; }
  uint64_t corrupted_reads() const { return corrupted_reads_; }
  // The first read of a word with two flipped bits: its scratchpad and word address (the
  // address on the scratchpad's read port: bank * depth + row). found false when none.
  struct FirstDouble {
    bool found = false;
    uint64_t cycle = 0;
    std::vector<std::pair<std::string, unsigned>> words;  // every one read in that cycle
  };
  const FirstDouble& first_double() const { return first_double_; }

 private:
  void Inject();
  std::vector<SramBank> banks_;
  std::vector<FlippedWord> flipped_;
  std::vector<uint64_t> due_;  // flip cycles still to come, ascending
  std::mt19937_64 rng_;
  bool armed_ = false, dbl_ = false;
  uint64_t cycle_ = 0, corrupted_reads_ = 0;
  FirstDouble first_double_;
};

}  // namespace salsa::harness

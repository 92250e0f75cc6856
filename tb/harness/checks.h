// Harness checks: the run's outcome, comparisons with the golden output and the functional
// model, the hardware counters, and fault injection with its expected error.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "salsa/axi_dram_ports.h"
#include "salsa/driver.h"
#include "salsa/func_sim.h"
#include "salsa/hw_params.h"

namespace salsa::harness {

// What a run observed, and every failure found.
struct Outcome {
  std::string error;                // first failure, empty on a pass
  std::vector<std::string> errors;  // every failure, in the order found
  uint64_t cycles = 0;
  uint32_t status = 0, err_code = 0, err_cmd = 0;
  std::array<uint64_t, salsa::contract::kNumCounters> counters{};
  uint64_t mismatches = 0;
  uint64_t expected_gated = 0, expected_mac_active = 0;
  // The functional model's zero-skip counters (0 without sparsity.zero_skip).
  uint64_t expected_skipped_steps = 0, expected_skipped_wgt_bytes = 0;
  bool irq = false;
  // --abort-at: cycles from the start to the abort write, and from it to the interrupt.
  uint64_t abort_write_cycles = 0, abort_stop_cycles = 0;
  uint32_t abort_err_cmd = 0;
  uint64_t reset_cycles = 0;  // --reset-at: cycles from the start to the reset
  // --abort-at / --reset-at P%: the first run's cycles (what P% is of); the bus at the reset or
  // abort: "fetch", "load", "store", "mid-burst" tags, or "quiet" (no AXI transaction in flight).
  uint64_t measured_cycles = 0;
  uint64_t abort_at = 0, reset_at = 0;  // the cycle used
  std::string bus_phase;
  // sram.ecc builds: ECC_CORRECTED and ECC_STATUS after the run; --flip-bits: the words
  // corrupted and the reads of them the harness saw (each one the hardware must correct).
  uint64_t ecc_corrected = 0;
  uint32_t ecc_status = 0;
  uint64_t flips_injected = 0, flips_read = 0, corrupted_reads = 0;
  std::string ecc_detected;  // --flip-bits --double: the word ECC_STATUS named, as checked

  void Fail(const std::string& e) {
    if (error.empty()) error = e;
    errors.push_back(e);
  }
};

// The name of an ERR_CODE value ("unknown" for codes the contract does not have).
const char* ErrName(uint32_t code);

// "0x%08x".
std::string Hex32(uint32_t v);

// ECC_STATUS decoded: "ECC_STATUS 0x80020040: scratchpad u_wgt_spad word 0x0040" (or "no
// uncorrectable read" without bit 31).
std::string EccStatusText(uint32_t status);

// True for a layer of an FP8 precision (its output is ReadOutputFp's elements).
bool IsFp8Layer(const salsa::FcLayer& layer);

// Runs the program on the functional model: its event counters become the outcome's expected
// counts; its output must equal the golden one (FP8 layers: golden_fp, the elements widened to 32
// bits), and a vector's expected output the reference's.
salsa::FuncSimResult CheckFunctionalModel(const salsa::HwParams& hw, const salsa::Program& prog,
                                          const salsa::FcLayer& layer,
                                          const std::vector<int8_t>& golden,
                                          const std::vector<uint32_t>& golden_fp, Outcome* r);

// Full comparison of one GEMM's output with its golden output: the first mismatch (m, n,
// expected, got, seed) and how many differ.
void CompareOutput(const salsa::FcLayer& layer, const std::vector<int8_t>& want,
                   const std::vector<int8_t>& got, uint64_t seed, Outcome* r);

// The same for an FP8 layer's elements (layer.out_fmt): the first mismatch with its index, the
// expected and the got bits and values, and the seed.
void CompareOutputFp(const salsa::FcLayer& layer, const std::vector<uint32_t>& want,
                     const std::vector<uint32_t>& got, uint64_t seed, Outcome* r);

// "0x3f80 (1)": an output element of `fmt` as bits and value.
std::string FpElementText(uint32_t bits, salsa::contract::OutFmt fmt);

// Full comparison of an FP8 layer's assembled output tensor with a golden one.
void CompareTensorFp(const std::string& what, salsa::contract::OutFmt fmt,
                     const std::vector<uint32_t>& want, const std::vector<uint32_t>& got,
                     Outcome* r);

// Full comparison of a layer's assembled output tensor with a golden one.
void CompareTensor(const std::string& what, const std::vector<int8_t>& want,
                   const std::vector<int8_t>& got, Outcome* r);

// The hardware counters against the functional model and the DRAM model; AXI violations.
void CheckCounters(const salsa::Program& prog, const salsa::AxiDramPorts& dram, Outcome* r);

// A fault to inject: the error code and failing command the hardware must then report.
struct Fault {
  uint32_t code = salsa::contract::ErrCodeOf("none");
  int64_t cmd = -1;       // -1: any command
  bool dead_bus = false;  // no-response-*: the slave stops answering (its bursts stay open)
};

// Corrupts one command in `mem`, arms the DRAM model's error range or silences it half way
// through the functional model's `counters` (rd_bytes / wr_bytes), per --fault (kind "": none).
Fault InjectFault(const std::string& kind, const salsa::Program& prog,
                  const std::array<uint64_t, salsa::contract::kNumCounters>& counters,
                  std::vector<uint8_t>* mem, salsa::AxiDram::Options* dopts);

// With a fault injected, the run passes when the hardware stopped with exactly that error,
// raised its interrupt, and left the AXI ports clean. Replaces the outcome's failures.
void CheckFault(const Fault& f, const salsa::AxiDramPorts& dram, Outcome* r);

}  // namespace salsa::harness

// salsa tb-export's pure parts: one GEMM's memory image, expected output region and cycle budget,
// and the generated files of the exported testbench (docs/tb-export.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "salsa/config.h"
#include "salsa/driver.h"
#include "salsa/generator.h"
#include "salsa/hw_params.h"

namespace salsa::cli {

// The hardware parameters of a config (what the harness reads from salsa_params.h).
HwParams HwParamsOf(const Config& cfg);

// One GEMM as the testbench runs it: exactly the harness's DRAM image (command list and input
// tensors), the expected bytes of the output region, and the harness's cycle budget.
struct TbGemm {
  std::vector<uint8_t> dram;
  uint64_t cmd_base = 0;
  uint32_t cmd_count = 0;
  uint64_t out_addr = 0;
  std::vector<uint8_t> expected;  // the output region's bytes after the run
  uint64_t timeout = 0;           // cycles to wait for irq_o (run_job.cpp's estimate)
};

// Builds the program of `fc` with the harness's default driver options, runs it on the functional
// model and checks its output against `golden` (int8 layers) or `golden_fp` (FP8 layers); throws
// std::runtime_error when the model fails or differs (a bug, not bad input).
TbGemm ExportGemm(const HwParams& hw, const FcLayer& fc, const std::vector<int8_t>& golden,
                  const std::vector<uint32_t>& golden_fp, unsigned mem_latency);

// Bus words for $readmemh, one per line, byte i of a word in bits 8i+7:8i (the last word padded
// with zeros).
std::string BusWordsHex(const std::vector<uint8_t>& bytes, unsigned bus_bytes);
// One byte per line.
std::string BytesHex(const std::vector<uint8_t>& bytes);

// The testbench's generated files: salsa_tb_params.vh (`defines), gemms.hex, the memory images
// and expected outputs (dram.hex / expected.hex, or dram_<g>.hex / expected_<g>.hex for several
// GEMMs), files.f (rtl_files, then the testbench) and run-icarus. `rtl_files` are paths relative
// to the export directory.
std::vector<GeneratedFile> TbFiles(const Config& cfg, const std::vector<TbGemm>& gemms,
                                   unsigned mem_latency, const std::vector<std::string>& rtl_files,
                                   const std::string& command);

}  // namespace salsa::cli

// Validated accelerator configuration: the only thing the generator and driver read.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace salsa {

// Raised for any invalid configuration. what() is one line:
//   "<file>:<line>:<col>: <key>: <problem>; accepted: <what is accepted>"
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// os: each PE accumulates one output over K (weights and activations stream in);
// ws: each PE holds one weight, activation rows stream through, partial sums flow down the
// columns and accumulate in the acc scratchpad.
enum class Dataflow { kOutputStationary, kWeightStationary };

// sram.macro: how salsa_sram stores its words. inferred: a Verilog array that FPGA tools map to
// block RAM; blackbox: salsa_sram wraps a named two-port SRAM macro (the port list is in
// docs/blocks/sram.md) and `salsa gen` also writes a behavioural model of it for simulation.
enum class SramMacro { kInferred, kBlackbox };

// fpga.board: none, or a board salsa gen writes a wrapper (salsa_board_top) for, to sit in the
// board's Vivado block design (constraints/<board>/).
enum class FpgaBoard { kNone, kZcu104 };

inline constexpr unsigned kDefaultClockMhz = 100;
inline constexpr const char* kDefaultSramMacroName = "salsa_sram_macro";
inline constexpr const char* kDefaultFpgaPart = "xczu7ev-ffvc1156-2-e";  // ZCU104

// precision: the datapaths the generator builds. Each COMPUTE selects one of them at run time
// (contract field `prec`); the values are contract::Prec (hw_contract.h).
enum class Precision : unsigned { kInt8 = 0, kInt4w = 1, kFp8E4M3 = 2, kFp8E5M2 = 3 };
inline constexpr unsigned kNumPrecisions = 4;

struct ScratchpadConfig {
  unsigned banks = 0;       // number of banks
  unsigned depth = 0;       // words per bank (power of two)
  unsigned width_bits = 0;  // derived from the array; a user value must equal it
  unsigned Words() const { return banks * depth; }
};

struct Config {
  std::string name;                       // [a-z][a-z0-9_]*, at most 32 characters
  unsigned clock_mhz = kDefaultClockMhz;  // 10..1000: the target clock of the generated constraints
  // array
  unsigned rows = 16;  // 1..64
  unsigned cols = 16;  // 1..64
  Dataflow dataflow = Dataflow::kOutputStationary;
  // The most K slices a COMPUTE may split the rows into (GEMV): 1 (off) or a power of two <= rows.
  unsigned gemv_slices = 1;
  // axi
  unsigned axi_data_bits = 128;  // 64, 128, 256, 512: each port's data width
  // AXI4 master ports (memory channels): 1, 2, 4, 8, 16. With more than one, the ports are lanes
  // of one data path: byte a of DRAM is on port (a / port bytes) % ports (docs/axi_ports.md).
  unsigned axi_ports = 1;
  unsigned axi_addr_bits = 32;       // 32..64
  unsigned axi_id_bits = 4;          // 1..8
  unsigned axi_max_outstanding = 4;  // 2..16
  unsigned axi_max_burst = 16;       // 1..256 beats
  unsigned axi_cache = 3;  // AxCACHE of every burst, 0..15 (Normal Non-cacheable Bufferable)
  unsigned axi_prot = 0;   // AxPROT, 0..7
  unsigned axi_qos = 0;    // AxQOS, 0..15 (AxLOCK is always 0: no exclusive access)
  // Read and write DMA watchdog: cycles with a transaction pending and no handshake before the
  // DMA latches a timeout (ERR_CODE axi_timeout); 0 = off (no watchdog hardware).
  unsigned axi_timeout_cycles = 0;
  // Test only, not a YAML key (salsa gen --inject-defect): "dma-outstanding" (one read burst
  // more in flight than max_outstanding), "dma-4k" (read bursts cross 4 KB boundaries) or
  // "dma-wlast" (WLAST a beat early) or "csr-rvalid" (the CSR slave's RVALID lasts one cycle
  // whatever RREADY), for the protocol checkers' own tests. Empty: none.
  std::string inject_defect;
  // sram
  ScratchpadConfig act;     // width rows*8
  ScratchpadConfig weight;  // width cols*8
  ScratchpadConfig acc;     // width cols*32
  SramMacro sram_macro = SramMacro::kInferred;
  std::string sram_macro_name = kDefaultSramMacroName;  // the macro module (blackbox only)
  // sram.ecc: secded: every scratchpad word carries a SECDED code (docs/reliability.md).
  bool sram_ecc = false;
  // fpga
  FpgaBoard fpga_board = FpgaBoard::kNone;
  std::string fpga_part = kDefaultFpgaPart;  // the part vivado.tcl synthesises for
  // sparsity
  bool gating = true;
  bool zero_skip = false;     // SCAN + index list: skip zero K steps and their weight fetches
  bool structured24 = false;  // sparsity.structured "2:4": compressed weights, 4 acts per row
  // precision: bit p set when Precision p is built (int8 always is)
  unsigned precision_mask = 1u << static_cast<unsigned>(Precision::kInt8);
  // pipeline
  bool pipeline_requant = false;  // a register between the requant's left shift and multiply
  bool axi_read_reg = true;       // a register stage (2-entry skid FIFO) on the AXI R channel

  // The source text, for hashing and banners.
  std::string source_text;
  std::string source_path;

  // One port's data width in bytes.
  unsigned PortBytes() const { return axi_data_bits / 8; }
  // The read and write DMAs' data path: every port's lane side by side (ports * port bytes).
  unsigned BusBytes() const { return axi_ports * PortBytes(); }
  bool Has(Precision p) const { return (precision_mask >> static_cast<unsigned>(p)) & 1u; }
  bool HasFp8() const { return Has(Precision::kFp8E4M3) || Has(Precision::kFp8E5M2); }
  // Any precision besides int8: COMPUTE carries a `prec` field.
  bool LowPrecision() const { return precision_mask != 1u; }
  // Output-stationary on-chip im2col (docs/conv.md): os builds without 2:4, whose act feeder
  // reads `rows` bytes at any byte offset.
  bool OsConv() const { return dataflow != Dataflow::kWeightStationary && !structured24; }
};

// Parses and validates YAML text. `path` is used in messages only.
Config ParseConfig(const std::string& text, const std::string& path);
// Reads the file, then ParseConfig. Missing/unreadable file is a ConfigError.
Config LoadConfig(const std::string& path);

// Canonical YAML text of the validated values: every key, fixed order, no comments. Two files
// that differ only in comments, key order or omitted defaults give the same text. The flow keys
// (clock_mhz, sram.macro and sram.macro_name, fpga.board, fpga.part) appear only when they differ
// from their defaults, so configs that do not use them kept the hash they had before those keys
// existed.
std::string CanonicalConfig(const Config& cfg);

// FNV-1a 64-bit hash of the canonical form of the config (16 hex digits).
std::string ConfigHash(const Config& cfg);

// The YAML spelling of a board ("none" or "zcu104").
const char* FpgaBoardName(FpgaBoard board);

// The YAML spelling of a precision ("int8", "int4w", "fp8_e4m3", "fp8_e5m2").
const char* PrecisionName(Precision p);

// The YAML spelling of a dataflow ("os" or "ws").
const char* DataflowName(Dataflow dataflow);

}  // namespace salsa

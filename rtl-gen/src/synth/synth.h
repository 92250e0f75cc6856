// salsa synth's pure parts: the Yosys script of each target, the cell classes of each target's
// primitives, the parsing of Yosys `stat -json` into per-module and hierarchical resources, the
// logic depth of a mapped netlist, the iCE40 parts and nextpnr's report, and the JSON and
// Markdown reports. No process is run here (rtl-gen/src/cli/synth.cpp does that), so all of it is
// unit-tested on captured Yosys and nextpnr output (tests/synth_test.cpp, tests/data/synth).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace salsa::synth {

enum class Target { kXilinx, kEcp5, kIce40, kGeneric };

// "xilinx", "ecp5", "ice40", "generic"; throws std::invalid_argument naming the accepted values.
Target ParseTarget(const std::string& name);
std::string TargetName(Target t);
std::string TargetPass(Target t);  // "synth_xilinx", ...

// What one primitive cell counts as. kLut: a LUT (generic: a logic gate); kFf: a flip-flop;
// kDsp: a multiplier/DSP block; kBram: a block RAM; kCarry: a carry-chain cell; kLutram: LUT RAM or
// a shift-register LUT (Xilinx SRL, ECP5 DPR16X4), not counted in kLut; kMux: a wide-function mux
// (MUXF7/8, PFUMX, L6MUX21); kIo: an I/O or clock buffer; kOther: the rest.
enum class CellClass { kLut, kFf, kDsp, kBram, kCarry, kLutram, kMux, kIo, kOther };
CellClass Classify(Target t, const std::string& cell_type);

// One module's resources: cells of each class and cells by primitive type.
struct Resources {
  long luts = 0, ffs = 0, dsps = 0, brams = 0, carry = 0, lutram = 0, muxes = 0, io = 0, other = 0;
  std::map<std::string, long> cells;  // primitive type -> count
  void Add(Target t, const std::string& type, long n);
  void AddScaled(const Resources& r, long n);
};

// A module of the synthesised design: `name` as Yosys has it (parametrised modules are
// "$paramod\salsa_sram\Width=..."), `block` the generated module it comes from ("salsa_sram").
struct Module {
  std::string name;
  std::string block;
  long instances = 0;                    // in the hierarchy under the top
  Resources self;                        // its own primitives
  Resources total;                       // self plus every submodule instance, per instance
  std::map<std::string, long> children;  // submodule name -> instances in this module
  std::map<std::string, long> params;    // from a "$paramod\\block\\P=s32'..." name
};

struct Design {
  Target target = Target::kGeneric;
  std::string top;
  std::vector<Module> modules;  // in the order of `stat`, top last is not assumed
  const Module* Find(const std::string& name) const;
  const Module& Top() const;
};

// The block a Yosys module name comes from: "\salsa_pe" -> "salsa_pe",
// "$paramod\salsa_sram\Width=s32'..." -> "salsa_sram", "$paramod$3f2a\salsa_fifo" -> "salsa_fifo".
std::string BlockOf(const std::string& yosys_module);
// The parameters in such a name: "$paramod\salsa_fifo\Width=s32'1111010\Depth=4" -> {Width: 122,
// Depth: 4} (binary after a "'", decimal otherwise); none for "$paramod$<hash>\..." names.
std::map<std::string, long> ParamsOf(const std::string& yosys_module);

// Parses the text Yosys 0.23's `stat -json` prints (tee -o). Throws std::runtime_error on text that
// is not that, or when `top` is not among its modules.
Design ParseStat(Target t, const std::string& stat_json, const std::string& top);

// Sets each module's `params` from Yosys' `json -o FILE w:clk_i` output (every module with its
// parameter_default_values: the values of a derived module, whose name may be a hash).
void ApplyParams(Design* d, const nlohmann::json& params_json);

// The worst combinational path of a flattened, mapped netlist (Yosys write_json): the most
// cells of class kLut, kMux or kCarry (generic: every cell that is not a flip-flop) in series
// between flip-flops, RAMs, DSPs and ports. `start`/`end`: the nets at its two ends.
struct Depth {
  long levels = 0;      // LUT, mux and carry cells (generic: gates) on the worst path
  long lut_levels = 0;  // LUTs only on the path with the most LUTs
  std::string start, end;
};
Depth LogicDepth(Target t, const nlohmann::json& netlist, const std::string& top);
// The number of port bits of `top` in a netlist JSON (each one an I/O pin on a chip).
long PortBits(const nlohmann::json& netlist, const std::string& top);

// The Yosys script for `files` (absolute paths) with the outputs named in `out`: stat JSON, the
// hierarchical netlist (write_verilog -noattr), and the flattened netlist as JSON (for the logic
// depth and for nextpnr).
struct ScriptPaths {
  std::string stat_json, params_json, netlist_v, flat_json;
};
std::string YosysScript(Target t, const std::vector<std::string>& files, const std::string& top,
                        const ScriptPaths& out);

// The place-and-route pin wrapper "salsa_pnr_wrap" of `top` (Verilog, through the IR printer):
// clk_i, rst_ni, sin_i, sout_o; every other port of `top` (from the netlist JSON) on a shift
// register. See synth_pnr_wrap.cpp.
std::string PnrWrapper(const nlohmann::json& netlist, const std::string& top);

// The Yosys script that synthesises `files` under that wrapper (file `wrapper`) for nextpnr-ice40
// (flattened, SB_IO-free: nextpnr adds the four pins' I/O cells).
std::string PnrScript(const std::vector<std::string>& files, const std::string& wrapper,
                      const std::string& json_out);

// iCE40 parts that nextpnr-ice40 0.4 places, with their resources.
struct Ice40Part {
  std::string name;     // "up5k"
  std::string package;  // "sg48"
  long luts, ffs, brams, dsps, io;
};
const std::vector<Ice40Part>& Ice40Parts();
// Why `d` does not fit `p` ("" when it fits): every resource over the part's, with both numbers.
// `port_bits`: the top's port bits, each an I/O pin.
std::string Ice40Misfit(const Ice40Part& p, const Resources& r, long port_bits);

// The maximum frequency nextpnr-ice40 reports for clock `clk` (its --report JSON), if any.
std::optional<double> NextpnrFmax(const nlohmann::json& report);

// Reports. `depth` may be absent; `pnr`: one JSON object per iCE40 part (name, fits, reason,
// fmax_mhz), may be empty.
nlohmann::json ToJson(const Design& d, const std::optional<Depth>& depth, const nlohmann::json& pnr,
                      const std::string& config_name);
std::string ToMarkdown(const nlohmann::json& report);

// What a target's numbers mean and do not mean (printed in the Markdown report and docs).
std::string TargetCaveat(Target t);

}  // namespace salsa::synth

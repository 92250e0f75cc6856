// salsa synth: the pin wrapper for iCE40 place and route. salsa_top has a few hundred port bits
// (two AXI interfaces), more than any iCE40 package has pins, and nextpnr-ice40 0.4 has no
// out-of-context mode. The wrapper feeds every input from a shift register loaded through one pin
// and folds every output into a rotating XOR register read through one pin, so all of the core
// stays observable (nothing is optimised away) on four pins: clk_i, rst_ni, sin_i, sout_o. Every
// core port is then a flip-flop away from a pin, as it would be in a system.
#include <stdexcept>

#include "salsa/ir.h"
#include "salsa/verilog_printer.h"
#include "synth/synth.h"

namespace salsa::synth {

std::string PnrWrapper(const nlohmann::json& netlist, const std::string& top) {
  if (!netlist.contains("modules") || !netlist["modules"].contains(top))
    throw std::runtime_error("netlist JSON has no module '" + top + "'");
  ir::Module m(
      "salsa_pnr_wrap",
      "Place-and-route pin wrapper of " + top +
          " (salsa synth --target ice40): inputs from a "
          "shift register on sin_i, outputs folded into a rotating XOR register on sout_o.");
  const std::string clk = m.In("clk_i");
  m.In("rst_ni");
  const std::string serial_in = m.In("sin_i");
  m.Out("sout_o");
  std::vector<std::pair<std::string, std::string>> conns;
  long in_bits = 0, out_bits = 0;
  for (const auto& [name, p] : netlist["modules"][top]["ports"].items()) {
    const long w = static_cast<long>(p["bits"].size());
    if (name == "clk_i" || name == "rst_ni") {
      conns.push_back({name, name});
      continue;
    }
    const bool in = p["direction"] == "input";
    long& at = in ? in_bits : out_bits;
    conns.push_back(
        {name, ir::Slice(in ? "in_q" : "out_w", std::to_string(at + w - 1), std::to_string(at))});
    at += w;
  }
  if (in_bits < 2 || out_bits < 2) throw std::runtime_error(top + ": too few ports to wrap");
  const std::string ni = std::to_string(in_bits), no = std::to_string(out_bits);
  ir::Scope s = m.Body();
  s.Reg("in_q", ni);
  s.Wire("out_w", no);
  s.Reg("out_q", no);
  s.Seq(clk, "", {},
        {ir::Set("in_q", "{" + ir::Slice("in_q", std::to_string(in_bits - 2), "0") + ", " +
                             serial_in + "}"),
         ir::Set("out_q", "{" + ir::Slice("out_q", std::to_string(out_bits - 2), "0") + ", out_q[" +
                              std::to_string(out_bits - 1) + "]} ^ out_w")});
  s.Assign("sout_o", "out_q[" + std::to_string(out_bits - 1) + "]");
  s.Inst(top, "u_top", {}, conns);
  return PrintModule(m);
}

std::string PnrScript(const std::vector<std::string>& files, const std::string& wrapper,
                      const std::string& json_out) {
  std::string s = "# salsa synth --target ice40: place-and-route netlist\n";
  for (const auto& f : files) s += "read_verilog " + f + "\n";
  s += "read_verilog " + wrapper + "\n";
  s += "hierarchy -check -top salsa_pnr_wrap\n";
  s += "synth_ice40 -dsp -top salsa_pnr_wrap -json " + json_out + "\n";
  return s;
}

}  // namespace salsa::synth

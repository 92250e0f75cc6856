// The implementation-flow files: XDC, SDC, Vivado Tcl, FuseSoC core (see flow_files.h).
#include "flow_files.h"

#include <cstdio>
#include <sstream>

namespace salsa::flow {
namespace {

// A share of the clock period in ns, three decimals.
std::string Ns(const Config& cfg, double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", share * 1000.0 / cfg.clock_mhz);
  return buf;
}

// The data ports of salsa_top in one direction (clk_i and rst_ni left out), as a Tcl list
// wrapped over several lines.
std::string Ports(const ir::Module& top, ir::Dir dir) {
  std::string out = "{";
  unsigned col = 20;  // after "set salsa_outputs {"
  for (const auto& p : top.ports) {
    if (p.dir != dir || p.name == "clk_i" || p.name == "rst_ni") continue;
    if (col + p.name.size() + 1 > 96) {
      out += "\n   ";
      col = 3;
    }
    out += " " + p.name;
    col += p.name.size() + 1;
  }
  return out + " }";
}

// Clock, I/O delays and the reset port: the part the XDC and the SDC share.
void CommonConstraints(std::ostringstream& os, const Config& cfg, const ir::Module& top) {
  os << "# One clock, clk_i, at clock_mhz = " << cfg.clock_mhz
     << " MHz (a target, not a measured Fmax: see docs/fpga.md).\n"
     << "create_clock -name clk -period " << PeriodNs(cfg) << " [get_ports clk_i]\n\n"
     << "# AXI4-Lite slave, AXI4 master and irq_o: registered on the other side. The external\n"
     << "# logic gets 40% of the period (max); min 0 checks hold against a register that launches\n"
     << "# or captures right at the edge.\n"
     << "set salsa_inputs " << Ports(top, ir::Dir::kIn) << "\n"
     << "set salsa_outputs " << Ports(top, ir::Dir::kOut) << "\n"
     << "set_input_delay -clock clk -max " << Ns(cfg, 0.4) << " [get_ports $salsa_inputs]\n"
     << "set_input_delay -clock clk -min 0.000 [get_ports $salsa_inputs]\n"
     << "set_output_delay -clock clk -max " << Ns(cfg, 0.4) << " [get_ports $salsa_outputs]\n"
     << "set_output_delay -clock clk -min 0.000 [get_ports $salsa_outputs]\n\n"
     << "# Reset: the rst_ni port reaches nothing but the asynchronous clears of the reset\n"
     << "# synchroniser u_rst_sync (salsa_rst_sync), so only that port is a false path: its\n"
     << "# assertion is asynchronous and its release is resynchronised there. The synchronised\n"
     << "# release from u_rst_sync to every other flop is NOT a false path: it is timed as an\n"
     << "# ordinary path (recovery/removal checks) at this clock.\n"
     << "set_false_path -from [get_ports rst_ni]\n";
}

}  // namespace

std::string PeriodNs(const Config& cfg) { return Ns(cfg, 1.0); }

std::string Xdc(const Config& cfg, const ir::Module& top, const std::string& banner) {
  std::ostringstream os;
  os << banner << "\n"
     << "# Vivado constraints for salsa_top synthesised on its own, out of context (vivado.tcl\n"
     << "# reads this file with read_xdc -mode out_of_context). A board top that instantiates\n"
     << "# salsa_top drives clk_i from its own clock and times the AXI ports inside the FPGA, so\n"
     << "# it does not read this file (see constraints/zcu104/ and docs/fpga.md).\n\n";
  CommonConstraints(os, cfg, top);
  os << "\n# Out of context, no clock buffer drives clk_i yet: let the placer assume a global "
        "one.\n"
     << "set_property HD.CLK_SRC BUFGCTRL_X0Y0 [get_ports clk_i]\n";
  return os.str();
}

std::string Sdc(const Config& cfg, const ir::Module& top, const std::string& banner) {
  std::ostringstream os;
  os << banner << "\n"
     << "# ASIC timing constraints for salsa_top (OpenSTA, OpenROAD, Design Compiler, Genus).\n\n";
  CommonConstraints(os, cfg, top);
  os << "\n# Before clock-tree synthesis: jitter and skew margin of 5% of the period for setup,\n"
     << "# a fixed 50 ps for hold. Replace with the clock tree's numbers after CTS.\n"
     << "set_clock_uncertainty -setup " << Ns(cfg, 0.05) << " [get_clocks clk]\n"
     << "set_clock_uncertainty -hold 0.050 [get_clocks clk]\n\n"
     << "# Library-dependent placeholders: name a buffer of your standard-cell library and the\n"
     << "# pin load of what the outputs drive, then uncomment.\n"
     << "# set_driving_cell -lib_cell BUF_X2 [get_ports $salsa_inputs]\n"
     << "# set_load 0.010 [get_ports $salsa_outputs]\n"
     << "# set_clock_transition 0.100 [get_clocks clk]\n\n"
     << "# The synchronised reset (u_rst_sync's output) fans out to most flops: let the tool "
        "buffer\n"
     << "# it like any net (no set_ideal_network) so its recovery/removal timing is real.\n";
  return os.str();
}

std::string VivadoTcl(const Config& cfg, const std::string& filelist, const std::string& banner) {
  std::ostringstream os;
  os << banner << "\n"
     << "# Vivado non-project flow for salsa_top on its own: synthesis, placement and routing out\n"
     << "# of context (its AXI ports stay unplaced: the accelerator has far more I/O than a\n"
     << "# package has pins), then utilisation and timing reports. No bitstream: that needs a\n"
     << "# board top with real pins (constraints/zcu104/ builds one around the Zynq PS).\n"
     << "#   vivado -mode batch -source vivado.tcl [-tclargs OUT_DIR]\n"
     << "# OUT_DIR defaults to vivado_out beside this script.\n\n"
     << "set here [file dirname [file normalize [info script]]]\n"
     << "if {[llength $argv] > 0} {\n"
     << "  set out [file normalize [lindex $argv 0]]\n"
     << "} else {\n"
     << "  set out [file join $here vivado_out]\n"
     << "}\n"
     << "file mkdir $out\n"
     << "set part " << cfg.fpga_part << "\n\n";
  if (filelist != "salsa.f") {
    os << "# sram.macro: blackbox: the macro's behavioural model (listed in " << filelist
       << ")\n# stands in for the macro, so the prototype maps it to block RAM.\n";
  }
  os << "set fh [open [file join $here " << filelist << "] r]\n"
     << "foreach line [split [read $fh] \"\\n\"] {\n"
     << "  set line [string trim $line]\n"
     << "  if {$line eq \"\" || [string match \"//*\" $line]} continue\n"
     << "  read_verilog [file join $here $line]\n"
     << "}\n"
     << "close $fh\n"
     << "read_xdc -mode out_of_context [file join $here salsa_top.xdc]\n\n"
     << "synth_design -top salsa_top -part $part -mode out_of_context\n"
     << "write_checkpoint -force [file join $out post_synth.dcp]\n"
     << "report_utilization -file [file join $out utilization_synth.rpt]\n\n"
     << "opt_design\n"
     << "place_design\n"
     << "route_design\n"
     << "write_checkpoint -force [file join $out post_route.dcp]\n"
     << "report_utilization -file [file join $out utilization.rpt]\n"
     << "report_utilization -hierarchical -file [file join $out utilization_hier.rpt]\n"
     << "report_timing_summary -file [file join $out timing_summary.rpt]\n";
  return os.str();
}

std::string Core(const Config& cfg, const std::vector<std::string>& verilog,
                 const std::vector<std::string>& sim_verilog, const std::string& banner) {
  std::ostringstream os;
  const bool models = !sim_verilog.empty();
  auto list = [&os](const std::vector<std::string>& files) {
    for (const auto& f : files) os << "      - " << f << "\n";
  };
  // "CAPI=2:" must be the first line.
  os << "CAPI=2:\n"
     << banner << "\n"
     << "name: salsa:accel:" << cfg.name << ":0.1\n"
     << "description: salsa accelerator " << cfg.name << " (config hash " << ConfigHash(cfg)
     << ")\n\n"
     << "filesets:\n"
     << "  rtl:\n"
     << "    files:\n";
  list(verilog);
  os << "    file_type: verilogSource\n";
  if (models) {
    os << "  # Behavioural model of the SRAM macro " << cfg.sram_macro_name
       << " (simulation and FPGA prototypes only).\n"
       << "  sram_model:\n"
       << "    files:\n";
    list(sim_verilog);
    os << "    file_type: verilogSource\n";
  }
  const std::string with_model = models ? ", sram_model" : "";
  os << "  xdc:\n"
     << "    files:\n"
     << "      - salsa_top.xdc\n"
     << "    file_type: xdc\n"
     << "  sdc:\n"
     << "    files:\n"
     << "      - salsa_top.sdc\n"
     << "    file_type: SDC\n\n"
     << "targets:\n"
     << "  # What a SoC that depends on this core gets"
     << (models ? " (it supplies the SRAM macro itself)" : "") << ".\n"
     << "  default:\n"
     << "    filesets: [rtl]\n"
     << "    toplevel: salsa_top\n"
     << "  lint:\n"
     << "    default_tool: verilator\n"
     << "    filesets: [rtl" << with_model << "]\n"
     << "    toplevel: salsa_top\n"
     << "    tools:\n"
     << "      verilator:\n"
     << "        mode: lint-only\n"
     << "        verilator_options: [-Wall]\n"
     << "  # Out-of-context synthesis only (pnr: none): salsa_top alone has no pin placement.\n"
     << "  synth:\n"
     << "    default_tool: vivado\n"
     << "    filesets: [rtl" << with_model << ", xdc]\n"
     << "    toplevel: salsa_top\n"
     << "    tools:\n"
     << "      vivado:\n"
     << "        part: " << cfg.fpga_part << "\n"
     << "        pnr: none\n";
  return os.str();
}

}  // namespace salsa::flow

# tclsh vivado_stubs.tcl SCRIPT [ARGS...]: runs a Vivado Tcl script with every Vivado command it
# uses replaced by a stub, so that salsa's Vivado scripts are checked without Vivado: the Tcl
# parses and runs to its end, it calls no command missing from the list below, and every file it
# reads (read_verilog, read_xdc, add_files) exists. Prints how many files were read.
if {[llength $argv] < 1} {
  puts stderr "usage: tclsh vivado_stubs.tcl SCRIPT \[ARGS...\]"
  exit 2
}
set script [file normalize [lindex $argv 0]]
set argv [lrange $argv 1 end]
set argc [llength $argv]
set ::files_read 0

proc stub_reads {cmd args} {
  set path [lindex $args end]
  if {![file exists $path]} {
    error "$cmd: no such file: $path"
  }
  incr ::files_read
}
proc read_verilog {args} { stub_reads read_verilog {*}$args }
proc read_xdc {args} { stub_reads read_xdc {*}$args }
proc add_files {args} { stub_reads add_files {*}$args }
proc get_board_parts {args} { return {xilinx.com:zcu104:part0:1.0 xilinx.com:zcu104:part0:1.1} }
proc create_bd_cell {args} { return [lindex $args end] }
foreach cmd {
  synth_design opt_design place_design route_design write_checkpoint report_utilization
  report_timing_summary create_project set_property current_project update_compile_order
  create_bd_design apply_bd_automation get_bd_pins get_bd_intf_pins connect_bd_intf_net
  connect_bd_net assign_bd_address validate_bd_design save_bd_design make_wrapper get_files
  current_fileset launch_runs wait_on_run open_run write_hw_platform
} {
  proc $cmd {args} { return "" }
}
# Any other command that is not Tcl's own is an error (a typo, or a command to stub above).
rename unknown tcl_unknown
proc unknown {cmd args} {
  error "not a Tcl command and not stubbed: $cmd"
}

if {[catch {source $script} err]} {
  puts stderr "vivado_stubs: $script: $err"
  exit 1
}
puts "vivado_stubs: [file tail $script] ran to its end, $::files_read files read"

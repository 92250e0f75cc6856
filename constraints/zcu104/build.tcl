# ZCU104 example: a bitstream with a salsa accelerator next to the Zynq UltraScale+ PS.
#
#   salsa gen my.yaml -o gen/my    (my.yaml has fpga: {board: zcu104}, axi.data_bits 128)
#   vivado -mode batch -source constraints/zcu104/build.tcl -tclargs gen/my [OUT_DIR]
#
# The block design: the PS (zynq_ultra_ps_e, ZCU104 board preset) clocks the PL with pl_clk0 at
# the config's clock_mhz; the accelerator (the generated salsa_board_top, as a module reference)
# masters DDR through a SmartConnect into S_AXI_HP0_FPD (128 bits); the PS reaches the CSRs
# through M_AXI_HPM0_LPD and a SmartConnect that converts AXI4 to AXI4-Lite; irq_o drives
# pl_ps_irq0. Then synthesis, implementation, the bitstream and an .xsa for the software side.
#
# Written from the Vivado documentation (UG994 block designs, UG835 Tcl commands, PG201 for the
# PS) and NOT run in the salsa repository, which has no Vivado: only its Tcl syntax and the files
# it reads are checked there (tests/flow/vivado_stubs.tcl). See docs/fpga.md.

if {[llength $argv] < 1} {
  error "usage: vivado -mode batch -source build.tcl -tclargs RTL_DIR \[OUT_DIR\]"
}
set rtl [file normalize [lindex $argv 0]]
if {[llength $argv] > 1} {
  set out [file normalize [lindex $argv 1]]
} else {
  set out [file join [pwd] salsa_zcu104]
}

# The generated manifest names the board and the clock.
set fh [open [file join $rtl manifest.json] r]
set manifest [read $fh]
close $fh
if {![regexp {"fpga_board": "zcu104"} $manifest]} {
  error "$rtl was not generated with fpga.board: zcu104 (see docs/fpga.md)"
}
if {![regexp {"clock_mhz": ([0-9]+)} $manifest -> mhz]} {
  error "$rtl/manifest.json has no clock_mhz"
}

create_project -force salsa_zcu104 $out -part xczu7ev-ffvc1156-2-e
# The ZCU104 board files ship with Vivado; use the revision your installation lists
# (get_board_parts *zcu104*).
set_property board_part [lindex [lsort [get_board_parts -quiet *zcu104*]] end] [current_project]

# The RTL. With sram.macro: blackbox, salsa_sim.f adds the macro's behavioural model, which the
# prototype maps to block RAM like the inferred banks.
set filelist [file join $rtl salsa.f]
if {[file exists [file join $rtl salsa_sim.f]]} {
  set filelist [file join $rtl salsa_sim.f]
}
set fh [open $filelist r]
foreach line [split [read $fh] "\n"] {
  set line [string trim $line]
  if {$line eq "" || [string match "//*" $line]} continue
  add_files -norecurse [file join $rtl $line]
}
close $fh
update_compile_order -fileset sources_1

# ---- block design ------------------------------------------------------------------------------
create_bd_design salsa_bd
set ps [create_bd_cell -type ip -vlnv xilinx.com:ip:zynq_ultra_ps_e zynq_ultra_ps_e_0]
apply_bd_automation -rule xilinx.com:bd_rule:zynq_ultra_ps_e -config {apply_board_preset "1"} $ps
# M_AXI_GP2 is M_AXI_HPM0_LPD, S_AXI_GP2 is S_AXI_HP0_FPD.
set_property -dict [list \
  CONFIG.PSU__USE__M_AXI_GP0 {0} \
  CONFIG.PSU__USE__M_AXI_GP1 {0} \
  CONFIG.PSU__USE__M_AXI_GP2 {1} \
  CONFIG.PSU__USE__S_AXI_GP2 {1} \
  CONFIG.PSU__SAXIGP2__DATA_WIDTH {128} \
  CONFIG.PSU__FPGA_PL0_ENABLE {1} \
  CONFIG.PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ $mhz \
  CONFIG.PSU__USE__IRQ0 {1} \
] $ps

set salsa [create_bd_cell -type module -reference salsa_board_top salsa_0]
# Interfaces are inferred from the port prefixes (s_axil_*, m_axi_*); name the clock's buses and
# the reset polarities, which the port names do not tell Vivado.
set_property CONFIG.ASSOCIATED_BUSIF {m_axi:s_axil} [get_bd_pins salsa_0/clk_i]
set_property CONFIG.POLARITY ACTIVE_LOW [get_bd_pins salsa_0/rst_ni]
set_property CONFIG.POLARITY ACTIVE_LOW [get_bd_pins salsa_0/aresetn_o]

set sc_ctrl [create_bd_cell -type ip -vlnv xilinx.com:ip:smartconnect smartconnect_ctrl]
set_property -dict [list CONFIG.NUM_SI {1} CONFIG.NUM_MI {1}] $sc_ctrl
set sc_mem [create_bd_cell -type ip -vlnv xilinx.com:ip:smartconnect smartconnect_mem]
set_property -dict [list CONFIG.NUM_SI {1} CONFIG.NUM_MI {1}] $sc_mem

connect_bd_intf_net [get_bd_intf_pins zynq_ultra_ps_e_0/M_AXI_HPM0_LPD] \
  [get_bd_intf_pins smartconnect_ctrl/S00_AXI]
connect_bd_intf_net [get_bd_intf_pins smartconnect_ctrl/M00_AXI] [get_bd_intf_pins salsa_0/s_axil]
connect_bd_intf_net [get_bd_intf_pins salsa_0/m_axi] [get_bd_intf_pins smartconnect_mem/S00_AXI]
connect_bd_intf_net [get_bd_intf_pins smartconnect_mem/M00_AXI] \
  [get_bd_intf_pins zynq_ultra_ps_e_0/S_AXI_HP0_FPD]

# One clock: pl_clk0 at clock_mhz for the accelerator, both SmartConnects and both PS ports.
connect_bd_net [get_bd_pins zynq_ultra_ps_e_0/pl_clk0] [get_bd_pins salsa_0/clk_i] \
  [get_bd_pins smartconnect_ctrl/aclk] [get_bd_pins smartconnect_mem/aclk] \
  [get_bd_pins zynq_ultra_ps_e_0/maxihpm0_lpd_aclk] [get_bd_pins zynq_ultra_ps_e_0/saxihp0_fpd_aclk]
# Reset: pl_resetn0 into salsa_board_top's synchroniser, whose output resets the SmartConnects.
connect_bd_net [get_bd_pins zynq_ultra_ps_e_0/pl_resetn0] [get_bd_pins salsa_0/rst_ni]
connect_bd_net [get_bd_pins salsa_0/aresetn_o] [get_bd_pins smartconnect_ctrl/aresetn] \
  [get_bd_pins smartconnect_mem/aresetn]
connect_bd_net [get_bd_pins salsa_0/irq_o] [get_bd_pins zynq_ultra_ps_e_0/pl_ps_irq0]

# The CSRs: a 4 KB window in the LPD master's space; the accelerator sees the DDR the HP0 port
# reaches (with axi.addr_bits 32, the low 2 GB).
assign_bd_address
validate_bd_design
save_bd_design

make_wrapper -files [get_files salsa_bd.bd] -top -import
set_property top salsa_bd_wrapper [current_fileset]
update_compile_order -fileset sources_1

# ---- synthesis, implementation, bitstream ------------------------------------------------------
launch_runs synth_1 -jobs 4
wait_on_run synth_1
launch_runs impl_1 -to_step write_bitstream -jobs 4
wait_on_run impl_1
open_run impl_1
report_utilization -file [file join $out utilization.rpt]
report_utilization -hierarchical -file [file join $out utilization_hier.rpt]
report_timing_summary -file [file join $out timing_summary.rpt]
write_hw_platform -fixed -include_bit -force -file [file join $out salsa_zcu104.xsa]
puts "salsa zcu104: bitstream and salsa_zcu104.xsa in $out"

// Example: salsa_top in your own SystemC platform (docs/systemc.md walks through it).
//
// A CPU thread programs the accelerator through its AXI4-Lite CSRs and waits for its interrupt;
// the accelerator's AXI4 master reaches a TLM-2.0 memory through the pin adapter. The program
// (command list, weights, activations) comes from salsa's driver, here for one random int8 fully
// connected layer, and the result is checked against the reference. Built as a target of every
// SystemC harness build (salsa_add_sc_harness EXAMPLE) and smoke-tested in CTest, so it stays true.
#include <cstdio>
#include <systemc>
#include <vector>

#include "axi_pin_adapter.h"
#include "csr_master.h"
#include "dram_target.h"
#include "salsa/driver.h"
#include "salsa/hw_contract.h"
#include "salsa/layer_gen.h"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "Vsalsa_top.h"  // verilator --sc: the accelerator as an sc_module
#pragma GCC diagnostic pop
#include "salsa_params.h"  // written by salsa gen next to the RTL

using namespace sc_core;
namespace c = salsa::contract;

// The CPU: resets the accelerator, points it at the command list, starts it, waits for done.
SC_MODULE(Cpu) {
  sc_in<bool> clk, irq;
  sc_out<bool> rst_n;
  salsa::sc::CsrMaster* csr = nullptr;
  uint64_t cmd_base = 0;
  uint32_t cmd_count = 0;
  uint32_t status = 0;
  sc_time busy;

  SC_CTOR(Cpu) { SC_THREAD(Run); }

  void Run() {
    rst_n.write(false);
    for (int i = 0; i < 8; ++i) wait(clk.posedge_event());
    rst_n.write(true);
    for (int i = 0; i < 4; ++i) wait(clk.posedge_event());
    csr->Write(c::CsrAddr("CMD_BASE_LO"), static_cast<uint32_t>(cmd_base));
    csr->Write(c::CsrAddr("CMD_BASE_HI"), static_cast<uint32_t>(cmd_base >> 32));
    csr->Write(c::CsrAddr("CMD_COUNT"), cmd_count);
    csr->Write(c::CsrAddr("IRQ_EN"), c::CsrBitMask("IRQ_EN", "done"));
    const sc_time start = sc_time_stamp();
    csr->Write(c::CsrAddr("CTRL"), c::CsrBitMask("CTRL", "start"));
    if (!irq.read()) wait(irq.posedge_event());
    busy = sc_time_stamp() - start;
    status = csr->Read(c::CsrAddr("STATUS"));
    sc_stop();
  }
};

int sc_main(int, char**) {
  // The software side: a 24x300x40 int8 layer and the program salsa's driver builds for it.
  salsa::HwParams hw;
  hw.rows = salsa_params::kRows;
  hw.cols = salsa_params::kCols;
  hw.bus_bytes = salsa_params::kBusBytes;
  hw.addr_bits = salsa_params::kAddrBits;
  hw.max_burst = salsa_params::kMaxBurst;
  hw.max_outstanding = salsa_params::kMaxOutstanding;
  hw.act_words = salsa_params::kActWords;
  hw.weight_words = salsa_params::kWeightWords;
  hw.acc_words = salsa_params::kAccWords;
  hw.weight_stationary = salsa_params::kWeightStationary;
  hw.zero_skip = salsa_params::kZeroSkip;
  hw.structured24 = salsa_params::kStructured24;
  const salsa::FcLayer layer = salsa::MakeRandomFc(24, 300, 40, /*seed=*/7);
  const salsa::Program prog = salsa::BuildFcProgram(hw, layer);

  // The platform: a 1 GHz clock, the accelerator, a memory with 20 ns latency, a CPU.
  sc_clock clk("clk", sc_time(1, SC_NS));
  sc_signal<bool> rst_n("rst_n", false), irq("irq");
  Vsalsa_top accel("accel");
  accel.clk_i(clk);
  accel.rst_ni(rst_n);
  accel.irq_o(irq);

  salsa::sc::DramTarget mem("mem", prog.dram.size(), sc_time(20, SC_NS));
  mem.bytes() = prog.dram;  // load the image (backdoor)

  // AXI4 pins <-> TLM: the adapter owns the m_axi_* signals; its timing model (salsa::AxiDram,
  // the C++ harness's DRAM model) schedules the beats with the memory's 20 cycles of latency.
  salsa::sc::AxiPinAdapter<Vsalsa_top> axi("axi", salsa_params::kBusBytes);
  axi.Connect(accel);
  axi.clk(clk);
  axi.rst_n(rst_n);
  axi.socket.bind(mem.socket);
  salsa::AxiDram::Options timing;
  timing.read_latency = timing.write_latency = 20;
  salsa::AxiDram axi_timing(axi, mem.bytes().size(), salsa_params::kBusBytes, timing);
  axi.Attach(&axi_timing);

  // AXI4-Lite CSRs, driven from the CPU's thread.
  salsa::sc::CsrMaster csr("csr");
  csr.Connect(accel);
  csr.clk(clk);
  Cpu cpu("cpu");
  cpu.clk(clk);
  cpu.irq(irq);
  cpu.rst_n(rst_n);
  cpu.csr = &csr;
  cpu.cmd_base = prog.cmd_base;
  cpu.cmd_count = prog.cmd_count;

  sc_start();
  accel.final();

  const std::vector<int8_t> out = salsa::ReadOutput(prog, mem.bytes(), layer.M, layer.N);
  const bool done = (cpu.status & c::CsrBitMask("STATUS", "done")) != 0;
  const bool pass = done && out == salsa::ReferenceOutput(layer);
  std::printf("example_platform: %dx%dx%d layer in %.0f cycles, STATUS 0x%08x, %s\n", layer.M,
              layer.K, layer.N, cpu.busy / clk.period(), cpu.status, pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}

// One program's run on a model, whatever drives its pins: reset, HW_ID check, command list and
// start through the CSRs, wait for the interrupt, then STATUS, errors and counters. The C++
// harness (run_job.cpp) and the SystemC harness (tb/systemc/sc_run_job.cpp) run the same sequence,
// so the cycle counts compare.
#pragma once

#include <cstdint>
#include <string>

#include "checks.h"
#include "salsa/axi_dram_ports.h"
#include "salsa/command.h"
#include "salsa/driver.h"
#include "salsa/hw_contract.h"
#include "salsa_params.h"

namespace salsa::harness {

// Ctl drives the model: Reset(cycles); CsrRead(addr) and CsrWrite(addr, data), blocking, throwing
// std::runtime_error on a timeout or error response; WaitIrq(timeout) clocks until irq_o is high
// (checked before each cycle) or `timeout` cycles passed and returns the cycles; Irq(); Tick().
// Everything observed goes into the outcome.
template <class Ctl>
void RunProgram(Ctl& ctl, const salsa::AxiDramPorts& dram, const salsa::Program& prog,
                uint64_t timeout, Outcome* r) {
  namespace c = salsa::contract;
  ctl.Reset(8);
  const uint32_t hw_id = ctl.CsrRead(c::CsrAddr("HW_ID"));
  const uint32_t want_id =
      c::HwIdValue(salsa_params::kRows, salsa_params::kCols, salsa_params::kBusBytes);
  if (hw_id != want_id) {
    r->Fail("HW_ID " + Hex32(hw_id) + " does not match salsa_params.h (" + Hex32(want_id) + ")");
    return;
  }
  ctl.CsrWrite(c::CsrAddr("CMD_BASE_LO"), static_cast<uint32_t>(prog.cmd_base));
  ctl.CsrWrite(c::CsrAddr("CMD_BASE_HI"), static_cast<uint32_t>(prog.cmd_base >> 32));
  ctl.CsrWrite(c::CsrAddr("CMD_COUNT"), prog.cmd_count);
  ctl.CsrWrite(c::CsrAddr("IRQ_EN"), c::CsrBitMask("IRQ_EN", "done"));
  ctl.CsrWrite(c::CsrAddr("CTRL"), c::CsrBitMask("CTRL", "start"));
  r->cycles = ctl.WaitIrq(timeout);
  r->irq = ctl.Irq();

  r->status = ctl.CsrRead(c::CsrAddr("STATUS"));
  r->err_code = ctl.CsrRead(c::CsrAddr("ERR_CODE"));
  r->err_cmd = ctl.CsrRead(c::CsrAddr("ERR_CMD"));
  for (unsigned i = 0; i < c::kNumCounters; ++i) {
    const uint64_t lo = ctl.CsrRead(c::CounterAddr(i));
    r->counters[i] = lo | (static_cast<uint64_t>(ctl.CsrRead(c::CounterAddr(i) + 4)) << 32);
  }
  if (!r->irq) {
    r->Fail("timeout: no interrupt after " + std::to_string(timeout) + " cycles (STATUS " +
            Hex32(r->status) + ")");
  }
  if (r->status & c::CsrBitMask("STATUS", "error")) {
    std::string what = "hardware error " + std::to_string(r->err_code) + " (" +
                       ErrName(r->err_code) + ") at command " + std::to_string(r->err_cmd);
    if (r->err_cmd < prog.cmds.size()) {
      what += ": " + salsa::DescribeCommand(prog.cmds[r->err_cmd].data());
    }
    r->Fail(what);
  } else if (r->irq && !(r->status & c::CsrBitMask("STATUS", "done"))) {
    r->Fail("irq_o high but STATUS " + Hex32(r->status) + " has no done bit");
  }
  // Let outstanding DRAM traffic (which there should not be) show up before checking.
  for (unsigned i = 0; i < 4 && dram.busy(); ++i) ctl.Tick();
  if (dram.busy()) r->Fail("AXI transactions still outstanding after done");
}

}  // namespace salsa::harness

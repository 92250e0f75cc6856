// One program's run on a model, whatever drives its pins: reset, HW_ID check, command list and
// start through the CSRs, wait for the interrupt, then STATUS, errors and counters. The C++
// harness (run_job.cpp) and the SystemC harness (tb/systemc/sc_run_job.cpp) run the same sequence,
// so the cycle counts compare.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "build_info.h"
#include "checks.h"
#include "options.h"
#include "salsa/axi_dram_ports.h"
#include "salsa/command.h"
#include "salsa/driver.h"
#include "salsa/hw_contract.h"
#include "salsa_params.h"

namespace salsa::harness {

// The bus now, for naming the phase an abort or reset lands in: "fetch" (a read of the command
// list in flight), "load" (another read), "store" (a write), "mid-burst" (a burst with some of its
// beats moved), joined by '+'; "quiet" when no AXI transaction is in flight (the array computing,
// or a unit waiting).
inline std::string BusPhase(const salsa::AxiDramPorts& dram, const salsa::Program& prog) {
  bool fetch = false, load = false, store = false, mid = false;
  const uint64_t lo = prog.cmd_base,
                 hi = prog.cmd_base + uint64_t{prog.cmd_count} * salsa::contract::kCmdBytes;
  for (unsigned p = 0; p < dram.ports(); ++p) {
    const salsa::AxiDram::Activity a = dram.port(p).activity();
    for (uint64_t addr : a.read_addrs) (addr >= lo && addr < hi ? fetch : load) = true;
    store |= a.writes != 0;
    mid |= a.read_mid_burst || a.write_mid_burst;
  }
  std::string s;
  for (const auto& [on, name] : {std::pair<bool, const char*>{fetch, "fetch"},
                                 {load, "load"},
                                 {store, "store"},
                                 {mid, "mid-burst"}}) {
    if (on) s += (s.empty() ? "" : "+") + std::string(name);
  }
  return s.empty() ? "quiet" : s;
}

// --abort-at: clocks `abort_at` cycles, writes CTRL.abort, waits for the interrupt and checks
// that the hardware stopped with ERR_CODE aborted and left the bus idle; then clears the DRAM
// model's statistics and starts the program again. False (with a failure) when any check fails.
template <class Ctl>
bool AbortAndRestart(Ctl& ctl, salsa::AxiDramPorts& dram, const salsa::Program& prog,
                     uint64_t timeout, uint64_t abort_at, Outcome* r) {
  namespace c = salsa::contract;
  const std::string what = "--abort-at " + std::to_string(abort_at) + ": ";
  r->abort_write_cycles = ctl.WaitIrq(abort_at);
  if (ctl.Irq()) {
    r->Fail(what + "the layer finished after " + std::to_string(r->abort_write_cycles) +
            " cycles, before the abort (pick a smaller cycle)");
    return false;
  }
  r->bus_phase = BusPhase(dram, prog);
  ctl.CsrWrite(c::CsrAddr("CTRL"), c::CsrBitMask("CTRL", "abort"));
  r->abort_stop_cycles = ctl.WaitIrq(timeout);
  if (!ctl.Irq()) {
    r->Fail(what + "no interrupt " + std::to_string(timeout) + " cycles after the abort (hang?)");
    return false;
  }
  const uint32_t status = ctl.CsrRead(c::CsrAddr("STATUS"));
  const uint32_t err = ctl.CsrRead(c::CsrAddr("ERR_CODE"));
  r->abort_err_cmd = ctl.CsrRead(c::CsrAddr("ERR_CMD"));
  if (!(status & c::CsrBitMask("STATUS", "error")) || err != c::ErrCodeOf("aborted")) {
    r->Fail(what + "expected ERR_CODE " + std::to_string(c::ErrCodeOf("aborted")) +
            " (aborted), got STATUS " + Hex32(status) + " ERR_CODE " + std::to_string(err) + " (" +
            ErrName(err) + ")");
    return false;
  }
  for (unsigned i = 0; i < 4 && dram.busy(); ++i) ctl.Tick();
  if (dram.busy()) {
    r->Fail(what + "AXI transactions still outstanding after the abort");
    return false;
  }
  dram.ClearStats();
  ctl.CsrWrite(c::CsrAddr("CTRL"), c::CsrBitMask("CTRL", "start"));
  return true;
}

// Ctl drives the model: Reset(cycles); CsrRead(addr) and CsrWrite(addr, data), blocking, throwing
// std::runtime_error on a timeout or error response; WaitIrq(timeout) clocks until irq_o is high
// (checked before each cycle) or `timeout` cycles passed and returns the cycles; Irq(); Tick().
// Resets the model, checks HW_ID, writes the command list's CSRs and starts it. False (with a
// failure) on a HW_ID mismatch.
template <class Ctl>
bool ResetAndStart(Ctl& ctl, const salsa::Program& prog, Outcome* r) {
  namespace c = salsa::contract;
  ctl.Reset(8);
  const uint32_t hw_id = ctl.CsrRead(c::CsrAddr("HW_ID"));
  const uint32_t want_id =
      c::HwIdValue(salsa_params::kRows, salsa_params::kCols, salsa_params::kBusBytes);
  if (hw_id != want_id) {
    r->Fail("HW_ID " + Hex32(hw_id) + " does not match salsa_params.h (" + Hex32(want_id) + ")");
    return false;
  }
  ctl.CsrWrite(c::CsrAddr("CMD_BASE_LO"), static_cast<uint32_t>(prog.cmd_base));
  ctl.CsrWrite(c::CsrAddr("CMD_BASE_HI"), static_cast<uint32_t>(prog.cmd_base >> 32));
  ctl.CsrWrite(c::CsrAddr("CMD_COUNT"), prog.cmd_count);
  ctl.CsrWrite(c::CsrAddr("IRQ_EN"), c::CsrBitMask("IRQ_EN", "done"));
  ctl.CsrWrite(c::CsrAddr("CTRL"), c::CsrBitMask("CTRL", "start"));
  return true;
}

// Everything observed goes into the outcome. With `abort_at` > 0, CTRL.abort is written that many
// cycles after the start: the run must stop with ERR_CODE aborted and a clean bus, then the
// program is started again. With `reset_at` > 0, rst_ni is asserted that many cycles after the
// start (the DRAM model's in-flight transactions dropped, as an interconnect's reset would), then
// the program is set up and started again. The outcome is the second run's.
template <class Ctl>
void RunProgram(Ctl& ctl, salsa::AxiDramPorts& dram, const salsa::Program& prog, uint64_t timeout,
                Outcome* r, const Options& o) {
  namespace c = salsa::contract;
  uint64_t abort_at = o.abort_at, reset_at = o.reset_at;
  if (o.abort_frac > 0.0 || o.reset_frac > 0.0) {
    // P%: a first run measures the layer; it must end cleanly.
    if (!ResetAndStart(ctl, prog, r)) return;
    r->measured_cycles = ctl.WaitIrq(timeout);
    const uint32_t status = ctl.CsrRead(c::CsrAddr("STATUS"));
    if (!ctl.Irq() || (status & c::CsrBitMask("STATUS", "error"))) {
      r->Fail(
          "the first run (measuring the layer for --abort-at/--reset-at P%) did not finish "
          "cleanly: STATUS " +
          Hex32(status));
      return;
    }
    for (unsigned i = 0; i < 4 && dram.busy(); ++i) ctl.Tick();
    // The next run replays the same DRAM timing, so the point lands at P% of the same run.
    dram.RestartRandom();
    dram.ClearStats();
    const double frac = o.abort_frac > 0.0 ? o.abort_frac : o.reset_frac;
    const uint64_t at = std::max<uint64_t>(1, static_cast<uint64_t>(frac * r->measured_cycles));
    (o.abort_frac > 0.0 ? abort_at : reset_at) = at;
  }
  r->abort_at = abort_at;
  r->reset_at = reset_at;
  if (!ResetAndStart(ctl, prog, r)) return;
  if (abort_at != 0 && !AbortAndRestart(ctl, dram, prog, timeout, abort_at, r)) return;
  if (reset_at != 0) {
    r->reset_cycles = ctl.WaitIrq(reset_at);
    if (ctl.Irq()) {
      r->Fail("--reset-at " + std::to_string(reset_at) + ": the layer finished after " +
              std::to_string(r->reset_cycles) + " cycles, before the reset (pick a smaller cycle)");
      return;
    }
    r->bus_phase = BusPhase(dram, prog);
    dram.ResetProtocol();
    dram.ClearStats();
    if (!ResetAndStart(ctl, prog, r)) return;
  }
  r->cycles = ctl.WaitIrq(timeout);
  r->irq = ctl.Irq();

  r->status = ctl.CsrRead(c::CsrAddr("STATUS"));
  r->err_code = ctl.CsrRead(c::CsrAddr("ERR_CODE"));
  r->err_cmd = ctl.CsrRead(c::CsrAddr("ERR_CMD"));
  for (unsigned i = 0; i < c::kNumCounters; ++i) {
    const uint64_t lo = ctl.CsrRead(c::CounterAddr(i));
    r->counters[i] = lo | (static_cast<uint64_t>(ctl.CsrRead(c::CounterAddr(i) + 4)) << 32);
  }
  if (kBuildInfo.sram_ecc) {
    r->ecc_corrected = ctl.CsrRead(c::CsrAddr("ECC_CORRECTED"));
    r->ecc_status = ctl.CsrRead(c::CsrAddr("ECC_STATUS"));
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
    if (r->err_code == c::ErrCodeOf("ecc_uncorrectable"))
      what += "; " + EccStatusText(r->ecc_status);
    r->Fail(what);
  } else if (r->irq && !(r->status & c::CsrBitMask("STATUS", "done"))) {
    r->Fail("irq_o high but STATUS " + Hex32(r->status) + " has no done bit");
  }
  // Acknowledge the interrupt as a driver does (STATUS.done is write-1-to-clear): irq_o drops.
  if (r->irq && (r->status & c::CsrBitMask("STATUS", "done"))) {
    ctl.CsrWrite(c::CsrAddr("STATUS"), c::CsrBitMask("STATUS", "done"));
    ctl.Tick();
    if (ctl.Irq()) r->Fail("irq_o still high after STATUS.done was written 1 (cleared)");
  }
  // Let outstanding DRAM traffic (which there should not be) show up before checking.
  for (unsigned i = 0; i < 4 && dram.busy(); ++i) ctl.Tick();
  if (dram.busy()) r->Fail("AXI transactions still outstanding after done");
}

}  // namespace salsa::harness

// The DMAs' AXI watchdog (axi.timeout_cycles): a counter of cycles with a transaction pending
// and no handshake, and the sticky timeout flag it sets.
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

void AddAxiWatchdog(const Config& cfg, Scope* s, const std::string& clk, const std::string& rst,
                    const std::string& stalled) {
  const unsigned t = cfg.axi_timeout_cycles, w = CountBits(t);
  s->Note("Watchdog (axi.timeout_cycles = " + N(t) +
          "): wd_cnt_q counts the cycles in a row that a transaction is pending with no "
          "handshake; at " +
          N(t) +
          " timeout_q latches until reset, and no new address is offered (one already offered "
          "stays valid until its handshake, as AXI requires).");
  s->Reg("wd_cnt_q", N(w));
  s->Wire("wd_stalled");
  s->Assign("wd_stalled", stalled);
  s->Assign("timeout_o", "timeout_q");
  s->Seq(clk, rst, {Set("wd_cnt_q", N(w) + "'d0"), Set("timeout_q", "1'b0")},
         {If("wd_stalled",
             {If("wd_cnt_q == " + N(w) + "'d" + N(t - 1), {Set("timeout_q", "1'b1")},
                 {Set("wd_cnt_q", "wd_cnt_q + " + N(w) + "'d1")})},
             {Set("wd_cnt_q", N(w) + "'d0")})});
}

}  // namespace salsa::blocks

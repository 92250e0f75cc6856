// salsa_sequencer, command fetch: the prefetch FIFO and the batches of command reads that fill it.
#include "blocks/blocks.h"
#include "blocks/sequencer_parts.h"

namespace salsa::blocks {

using namespace ir;

// Command prefetch: up to SeqPrefetch (16, zero-skip builds 32) commands are fetched ahead, in
// batches of one DMA row each, into a FIFO; fetch_idx_q is the next command to fetch, pending_q the
// ones requested but not yet arrived. A batch is requested only when the FIFO has room for all of
// it, so the DMA never stalls on a full FIFO.
void AddFetchDecls(Scope& s, const SeqConfig& c) {
  s.Reg("fetch_idx_q", "32");
  s.Reg("pending_q", N(c.pb));
  s.Reg("fetch_err_q");
  s.Wire("fifo_count", N(c.pb));
  s.Wire("fifo_empty");
  s.Wire("fifo_full");
  s.Wire("fifo_head", N(contract::kCmdBytes * 8));
  s.Wire("fifo_pop");
  s.Wire("fifo_push");
  s.Wire("remaining", "32");
  s.Wire("room", N(c.pb));
  s.Wire("batch", N(c.pb));
  s.Wire("fetch_running");
  s.Wire("fetch_go");
}

void AddFetch(Scope& s, const SeqConfig& c, const Module& fifo, const std::string& clk,
              const std::string& rst) {
  const unsigned pb = c.pb;
  const std::string& P = c.P;
  Instantiate(s, fifo, "u_cmd_fifo", {{"Width", N(contract::kCmdBytes * 8)}, {"Depth", "Prefetch"}},
              {{"clk_i", clk},
               {"rst_ni", rst},
               {"clear_i", "start_i && (state_q == StIdle)"},
               {"push_i", "fifo_push"},
               {"data_i", "cmd_data_i"},
               {"pop_i", "fifo_pop"},
               {"data_o", "fifo_head"},
               {"count_o", "fifo_count"},
               {"empty_o", "fifo_empty"},
               {"full_o", "fifo_full"}});
  s.Assign("cmd_ready_o", "!fifo_full");
  s.Assign("fifo_push", "cmd_valid_i && !fifo_full");
  s.Assign("fifo_pop", "(state_q == StFetch) && !abort_q && !fifo_empty");
  s.Assign("remaining", "cmd_count_i - fetch_idx_q");
  s.Assign("room", P + N(c.pf) + " - fifo_count - pending_q");
  s.Assign("batch",
           "(remaining < {" + N(32 - pb) + "'d0, room}) ? remaining[" + N(pb - 1) + ":0] : room");
  s.Note(
      "Fetch while the list runs, never during a LOAD (it owns the read DMA and its gearbox), "
      "in batches of at least half the FIFO unless fewer commands remain.");
  s.Assign("fetch_running",
           "(state_q == StFetch) || (state_q == StDecode) || "
           "(state_q == StIssue) || (state_q == StNext)");
  s.Assign("fetch_go",
           "fetch_running && !abort_q && !fetch_err_q && (remaining != 32'd0) && "
           "(batch != " +
               P + "0) && ((remaining < 32'd" + N(c.pf / 2) + ") ? ({" + N(32 - pb) +
               "'d0, batch} == remaining) : (batch >= " + P + N(c.pf / 2) + "))");
}

Block FetchReset(const SeqConfig& c) {
  return {Set("fetch_idx_q", "32'd0"), Set("pending_q", c.P + "0"), Set("fetch_err_q", "1'b0")};
}

Block FetchSeq(const SeqConfig& c) {
  const std::string& P = c.P;
  return {
      Comment("Prefetch bookkeeping: a batch requested, a command arrived, a fetch error."),
      If("fetch_go && rd_req_ready_i",
         {Set("fetch_idx_q", "fetch_idx_q + {" + N(32 - c.pb) + "'d0, batch}")}),
      Set("pending_q", "pending_q + ((fetch_go && rd_req_ready_i) ? batch : " + P + "0) - " +
                           "(fifo_push ? " + P + "1 : " + P + "0)"),
      If("rd_retire_i && (dest_q == DestCmd) && rd_retire_err_i", {Set("fetch_err_q", "1'b1")})};
}

}  // namespace salsa::blocks

// A timing estimate of an output-stationary command list (salsa/plan_estimate.h): the tiler
// compares two plans of one layer by it. The model follows the sequencer (docs/architecture.md),
// with round numbers for the units:
// - commands issue in order, one at a time: a command issues no earlier than the one before it;
// - a LOAD issues when the load table has room (four in flight) and no earlier COMPUTE still
//   reads (or STORE, for the acc scratchpad) the words it writes. The read DMA starts it when the
//   previous request's bursts are all in flight (max_outstanding x max_burst beats), its data
//   return `latency` later, in order behind older data, at a beat a cycle, a burst per
//   latency / max_outstanding cycles or a scratchpad word a cycle, whichever is slowest;
// - a COMPUTE issues when the feeder is free and the words it reads have landed, and every earlier
//   STORE of the acc words it drains to has read them. It feeds its steps (K over its slices, for
//   each of its tiles) after kComputeStartCycles; tile t's acc
//   words are written rows + cols cycles after its steps;
// - a STORE issues when the store unit is free and the acc words it reads are written; it takes
//   its rows, or its beats and bursts as a LOAD does, and its writes land `latency` later;
// - SYNC waits for everything before it; the command fetches take their bytes on the read DMA
//   before the next LOAD's data (the FIFO prefetches, so fetches after the last LOAD are hidden);
// - a command issues no earlier than it is in the prefetch FIFO (16 commands, 32 on zero-skip
//   builds): the first 16 at the start, then batches of 8 requested when 8 have left (popped:
//   the command before has issued), whose data come `latency` later and behind the data of the
//   LOADs issued before the request, even those whose bursts have not started (the read DMA
//   queues its requests in order; sequencer_fetch.cpp). A LOAD right after the popped command
//   comes after the batch.
// Hazards are checked against the last kWindow commands.
#include "salsa/plan_estimate.h"

#include <algorithm>
#include <cmath>
#include <deque>

#include "salsa/command.h"

namespace salsa {
namespace {

constexpr size_t kWindow = 256;
constexpr size_t kSeqLoadTable = 4;  // LOADs in flight (docs/architecture.md)

struct Span {
  unsigned target = 0;  // contract::Target
  uint64_t lo = 0, hi = 0;
  double at = 0;  // a written span: when its words are written
  bool Overlaps(const Span& o) const { return target == o.target && lo < o.hi && o.lo < hi; }
};

// What an issued command still holds: the words it reads (until `read_end`) and writes (each span
// ready at its `at`; all of them by `write_end`).
struct Record {
  std::vector<Span> reads, writes;
  double read_end = 0, write_end = 0;
};

bool Flag(const uint8_t* c, const char* name) { return cmd::GetOr(c, name) != 0; }
uint64_t U(const uint8_t* c, const char* name) {
  return static_cast<uint64_t>(cmd::GetOr(c, name));
}

// The bus beats and the bursts (of at most max_burst beats) of `rows` rows of `bytes` bytes
// `stride` apart from `addr`.
struct Traffic {
  uint64_t beats = 0, bursts = 0;
};
Traffic TrafficOf(const HwParams& hw, uint64_t addr, uint64_t rows, uint64_t bytes,
                  uint64_t stride) {
  Traffic t;
  if (bytes == 0) return t;
  const uint64_t burst = std::max(1u, hw.max_burst);
  auto row = [&](uint64_t a) {
    const uint64_t beats = (a + bytes - 1) / hw.bus_bytes - a / hw.bus_bytes + 1;
    return Traffic{beats, (beats + burst - 1) / burst};
  };
  if (stride % hw.bus_bytes == 0) {  // every row aligned alike
    const Traffic r = row(addr);
    return {rows * r.beats, rows * r.bursts};
  }
  for (uint64_t r = 0; r < rows; ++r) {
    const Traffic x = row(addr + r * stride);
    t.beats += x.beats;
    t.bursts += x.bursts;
  }
  return t;
}

}  // namespace

PlanEstimate EstimateOsCycles(const HwParams& hw, const std::vector<Command>& cmds,
                              const PlanMemory& mem) {
  const uint64_t latency = mem.latency;
  const double per_beat = 1.0 / std::min(1.0, std::max(mem.bw_cap, 1e-3));
  uint64_t beats = 0;
  // A DMA's cycles for a transfer: its beats at the DRAM's rate, or its bursts at
  // max_outstanding per latency.
  const double per_burst =
      static_cast<double>(latency) / static_cast<double>(std::max(1u, hw.max_outstanding));
  auto dma = [&](const Traffic& t) {
    return std::max(static_cast<double>(t.beats) * per_beat,
                    static_cast<double>(t.bursts) * per_burst);
  };
  // The read DMA: requests start when its AR side is free (once the previous request's bursts
  // are all in flight), data return in order on the R side.
  const double in_flight = static_cast<double>(hw.max_outstanding) * hw.max_burst;
  std::deque<Record> window;
  std::deque<double> loads;  // the landing times of the LOADs in the load table
  double issue = 0, ar_free = 0, r_free = 0, cu_free = 0, st_free = 0, end = 0;
  double fetch = 0;  // command fetches since the last LOAD, charged before its data
  // The command FIFO (P entries, 32 on zero-skip builds): the first P commands are there at the
  // start; then a batch of P/2 is requested once P/2 have left it (popped: the command before
  // has issued), and its data arrive `latency` later, behind the data of the LOADs requested
  // before it. A list of short COMPUTEs whose LOADs keep the read DMA busy runs dry.
  const size_t fifo = hw.zero_skip ? 32 : 16, batch = fifo / 2;
  std::vector<double> issued;  // each command's issue time
  // Each LOAD's command index and data end. The read DMA queues requests in order, so a batch
  // comes behind the data of every LOAD issued before its request, even one whose bursts have not
  // started; the batch is requested as the command after `fetched - batch - 2` is popped, before
  // that one issues.
  std::vector<std::pair<size_t, double>> owned;
  size_t fetched = fifo;  // commands [0, fetched) requested
  double arrival = 0;     // when the last batch arrives
  const double batch_beats =
      std::ceil(static_cast<double>(batch * contract::kCmdBytes) / hw.bus_bytes) * per_beat;
  issued.reserve(cmds.size());
  // When the earlier commands have written the `spans` (read after write), and when they have
  // read them (write after read; `acc_only`: only their acc reads).
  auto written = [&](const std::vector<Span>& spans) {
    double t = 0;
    for (const Record& r : window) {
      for (const Span& w : r.writes) {
        for (const Span& s : spans) {
          if (s.Overlaps(w)) t = std::max(t, w.at);
        }
      }
    }
    return t;
  };
  auto read = [&](const std::vector<Span>& spans, bool acc_only) {
    double t = 0;
    for (const Record& r : window) {
      for (const Span& x : r.reads) {
        for (const Span& s : spans) {
          if ((!acc_only || x.target == contract::kTargetAcc) && s.Overlaps(x)) {
            t = std::max(t, r.read_end);
          }
        }
      }
    }
    return t;
  };
  for (const Command& cmd : cmds) {
    const uint8_t* c = cmd.data();
    const unsigned op = cmd::Opcode(c);
    fetch += static_cast<double>(contract::kCmdBytes) / hw.bus_bytes * per_beat;
    if (issued.size() == fetched) {
      const double req = issued[fetched - batch - 2];
      double data = req + static_cast<double>(latency);
      for (size_t k = owned.size(); k-- > 0;) {  // behind the data of the LOADs issued before
        if (owned[k].first <= fetched - batch - 2) {
          data = std::max(data, owned[k].second);
          break;
        }
      }
      arrival = data + batch_beats;
      fetched += batch;
    }
    Record rec;
    // The first batch is requested at the start: command i is there once its bytes are.
    double ready = std::max(
        issue, issued.size() >= fifo
                   ? arrival
                   : static_cast<double>(latency) +
                         std::ceil(static_cast<double>((issued.size() + 1) * contract::kCmdBytes) /
                                   hw.bus_bytes) *
                             per_beat);
    if (op == contract::kOpLoad) {
      const unsigned target = static_cast<unsigned>(U(c, "target"));
      const uint64_t wpr = U(c, "words_per_row"), rows = U(c, "rows"), lo = U(c, "sp_addr");
      const unsigned word_bytes = target == contract::kTargetAct      ? hw.ActWordBytes()
                                  : target == contract::kTargetWeight ? hw.WeightWordBytes()
                                  : target == contract::kTargetMeta   ? hw.MetaWordBytes()
                                                                      : hw.AccWordBytes();
      rec.writes.push_back({target, lo, lo + wpr * rows});
      ready = std::max(ready, read(rec.writes, false));
      const Traffic t = TrafficOf(hw, U(c, "dram_addr"), rows, wpr * word_bytes, U(c, "stride"));
      beats += t.beats;
      // The gearbox writes a word a cycle (K-slice builds' weights: a beat's whole words, at
      // most S), holding the R channel when the bus is wider.
      const uint64_t per_cycle =
          target == contract::kTargetWeight && hw.gemv_slices > 1
              ? std::min<uint64_t>((hw.bus_bytes + hw.cols - 1) / hw.cols, hw.gemv_slices)
              : 1;
      const double write = static_cast<double>((wpr * rows + per_cycle - 1) / per_cycle);
      if (loads.size() == kSeqLoadTable) {
        ready = std::max(ready, loads.front());
        loads.pop_front();
      }
      issue = ready;
      const double start = std::max(issue, ar_free);
      const double data = std::max(start + static_cast<double>(latency), r_free + fetch);
      fetch = 0;
      r_free = data + std::max(dma(t), write);
      ar_free = std::max(start, r_free - static_cast<double>(latency) - in_flight);
      rec.write_end = rec.writes[0].at = r_free;
      loads.push_back(r_free);
      owned.emplace_back(issued.size(), r_free);
    } else if (op == contract::kOpCompute) {
      const bool conv = Flag(c, "conv");
      const uint64_t k = U(c, "k"), act = U(c, "act_addr"), wgt = U(c, "weight_addr");
      const uint64_t slices = uint64_t{1} << U(c, "slices");
      const uint64_t tiles = conv ? std::max<uint64_t>(1, U(c, "tiles")) : 1;
      const uint64_t act_words = conv ? U(c, "extent") : Flag(c, "structured") ? 2 * k : k;
      rec.reads.push_back({contract::kTargetAct, act, act + act_words});
      rec.reads.push_back({contract::kTargetWeight, wgt, wgt + k * slices});  // S words a step
      const bool drain = Flag(c, "drain");
      const uint64_t acc = U(c, "acc_addr");
      if (drain) rec.writes.push_back({contract::kTargetAcc, acc, acc + tiles * hw.rows});
      ready = std::max({ready, written(rec.reads), read(rec.writes, true)});
      issue = std::max(ready, cu_free);
      // Tile t drains rows acc words when its steps are fed, rows + cols cycles later.
      const double per_tile = static_cast<double>((k + slices - 1) / slices);
      const double start = static_cast<double>(kComputeStartCycles);
      const double drained = issue + start + hw.rows + hw.cols;
      cu_free = issue + per_tile * static_cast<double>(tiles) + start;
      rec.read_end = cu_free;
      rec.write_end = cu_free + hw.rows + hw.cols;
      if (drain) {  // a span a tile
        rec.writes.clear();
        for (uint64_t t = 0; t < tiles; ++t) {
          rec.writes.push_back({contract::kTargetAcc, acc + t * hw.rows, acc + (t + 1) * hw.rows,
                                drained + per_tile * static_cast<double>(t + 1)});
        }
      }
    } else if (op == contract::kOpStore) {
      const uint64_t acc = U(c, "acc_addr"), rows = U(c, "rows");
      rec.reads.push_back({contract::kTargetAcc, acc, acc + rows});
      const uint64_t bias = U(c, "bias_addr");
      rec.reads.push_back({contract::kTargetAcc, bias, bias + 1});
      if (Flag(c, "per_channel")) {
        const uint64_t q = U(c, "mult_addr");
        rec.reads.push_back({contract::kTargetAcc, q, q + 2});
      }
      ready = std::max(ready, written(rec.reads));
      const Traffic t = TrafficOf(hw, U(c, "dram_addr"), rows, U(c, "row_bytes"), U(c, "stride"));
      beats += t.beats;
      issue = std::max(ready, st_free);
      st_free = issue + std::max(static_cast<double>(rows), dma(t));
      rec.read_end = st_free;
      end = std::max(end, st_free + static_cast<double>(latency));
    } else {
      // SYNC (and anything else): everything before it is done.
      for (const Record& r : window) ready = std::max({ready, r.read_end, r.write_end});
      issue = std::max({ready, cu_free, st_free});
    }
    end = std::max(end, rec.write_end);
    issued.push_back(issue);
    window.push_back(std::move(rec));
    if (window.size() > kWindow) window.pop_front();
  }
  PlanEstimate e;
  e.cycles = static_cast<uint64_t>(std::max({end, issue, r_free}));
  e.bytes = beats * hw.bus_bytes + cmds.size() * contract::kCmdBytes;
  return e;
}

bool Better(const PlanEstimate& a, const PlanEstimate& b) {
  const double ca = static_cast<double>(a.cycles), cb = static_cast<double>(b.cycles);
  if (ca < cb * (1 - kPlanMargin)) return true;
  if (cb < ca * (1 - kPlanMargin)) return false;
  return a.bytes <= b.bytes;
}

}  // namespace salsa

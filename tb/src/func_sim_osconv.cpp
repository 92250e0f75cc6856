// Functional model, output-stationary on-chip im2col: the act words a COMPUTE with the conv flag
// feeds (hw_contract.h's "conv" row, docs/conv.md), gathered byte by byte from the channel
// planes in the act scratchpad.
#include <string>

#include "salsa/command.h"
#include "salsa/func_sim.h"

namespace salsa {

bool FuncSim::OsConvGather(const uint8_t* c, uint32_t act_addr, uint32_t steps, uint32_t tile,
                           uint8_t zp, std::vector<uint8_t>* out, std::string* why) const {
  const auto get = [c](const char* n) { return cmd::Get(c, n); };
  const int64_t rows = hw_.rows;
  const int64_t extent = get("extent"), pitch = get("pitch"), window = get("window");
  const int64_t chans = get("chans"), taps_x = get("taps_x");
  // Tile t starts one act word (rows bytes) per tile later.
  const int64_t off = (get("off_w") + tile) * rows + get("off_b");
  const int64_t tx_step = get("tx_w") * rows + get("tx_b"),
                ty_step = get("ty_w") * rows + get("ty_b");
  const bool xmask = get("xmask") != 0;
  const int64_t xw = get("xw"), kx0 = get("kx0");
  const int64_t x0 = xw > 0 ? (get("x0") + int64_t{tile} * rows) % xw : get("x0");
  if (chans == 0 || taps_x == 0 || extent == 0) {
    *why = "conv COMPUTE with chans, taps_x or extent 0";
    return false;
  }
  if (get("off_b") >= rows || get("tx_b") >= rows || get("ty_b") >= rows) {
    *why = "conv COMPUTE byte offset or step not below rows " + std::to_string(rows);
    return false;
  }
  if (xmask && (xw < rows || get("x0") >= xw || get("tx_w") != 0)) {
    *why = "conv COMPUTE xmask with xw " + std::to_string(xw) + " < rows, x0 " +
           std::to_string(x0) + " >= xw or tx_w != 0";
    return false;
  }
  out->assign(static_cast<size_t>(steps) * hw_.rows, zp);
  for (uint32_t s = 0; s < steps; ++s) {
    const int64_t ch = s % chans, tx = (s / chans) % taps_x, ty = s / (chans * taps_x);
    const int64_t o = off + tx * tx_step + ty * ty_step;
    const int64_t kx = kx0 + tx * get("tx_b");
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t p = o + i;
      const int64_t w = p >= 0 ? p / rows : -((-p + rows - 1) / rows);  // floor
      const int64_t b = p - w * rows;
      const int64_t d = (ch * pitch + w) & 0xFFFF;
      if (w < 0 || w >= window || d >= extent) continue;
      if (xmask) {
        const int64_t col = x0 + i >= xw ? x0 + i - xw : x0 + i;
        if (col + kx < 0 || col + kx >= xw) continue;
      }
      (*out)[static_cast<size_t>(s) * hw_.rows + static_cast<size_t>(i)] =
          act_[static_cast<size_t>(act_addr + d) * hw_.rows + static_cast<size_t>(b)];
    }
  }
  return true;
}

}  // namespace salsa

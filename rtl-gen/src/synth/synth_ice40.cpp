// salsa synth: the iCE40 parts nextpnr-ice40 places, whether a design fits them, and the Fmax
// nextpnr reports.
#include "synth/synth.h"

namespace salsa::synth {

const std::vector<Ice40Part>& Ice40Parts() {
  // Logic cells (one LUT4 + one FF each), 4 kbit EBRs, SB_MAC16s, user I/O of the package.
  static const std::vector<Ice40Part> parts = {
      {"up5k", "sg48", 5280, 5280, 30, 8, 39},
      {"hx8k", "ct256", 7680, 7680, 32, 0, 206},
      {"hx1k", "tq144", 1280, 1280, 16, 0, 95},
  };
  return parts;
}

std::string Ice40Misfit(const Ice40Part& p, const Resources& r, long port_bits) {
  std::string why;
  auto over = [&](const char* what, long used, long avail) {
    if (used <= avail) return;
    if (!why.empty()) why += "; ";
    why += std::string(what) + " " + std::to_string(used) + " > " + std::to_string(avail);
  };
  over("LUTs", r.luts, p.luts);
  over("FFs", r.ffs, p.ffs);
  over("EBRs", r.brams, p.brams);
  over("DSPs", r.dsps, p.dsps);
  over("I/O pins", port_bits, p.io);
  return why;
}

std::optional<double> NextpnrFmax(const nlohmann::json& report) {
  // nextpnr 0.4 --report: {"fmax": {"<clock net>": {"achieved": MHz, "constraint": MHz}}, ...}
  if (!report.contains("fmax") || !report["fmax"].is_object()) return std::nullopt;
  std::optional<double> worst;
  for (const auto& [clk, v] : report["fmax"].items()) {
    if (!v.contains("achieved")) continue;
    const double f = v["achieved"].get<double>();
    if (!worst || f < *worst) worst = f;
  }
  return worst;
}

}  // namespace salsa::synth

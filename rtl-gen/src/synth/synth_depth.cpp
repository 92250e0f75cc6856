// salsa synth: the logic depth of a flattened, mapped netlist (Yosys write_json). Yosys' own `ltp`
// does not see the port directions of vendor primitives, so the longest path is found here.
#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "synth/synth.h"

namespace salsa::synth {
namespace {

bool Combinational(Target t, const std::string& type) {
  const CellClass c = Classify(t, type);
  if (t == Target::kGeneric) return c == CellClass::kLut;
  return c == CellClass::kLut || c == CellClass::kMux || c == CellClass::kCarry;
}

struct Cell {
  std::vector<long> in, out;  // net bit ids (constants dropped)
  bool lut = false;           // a LUT (generic: a gate), not a mux or carry cell
};

}  // namespace

Depth LogicDepth(Target t, const nlohmann::json& netlist, const std::string& top) {
  if (!netlist.contains("modules") || !netlist["modules"].contains(top))
    throw std::runtime_error("netlist JSON has no module '" + top + "'");
  const auto& mod = netlist["modules"][top];
  std::vector<Cell> cells;
  std::unordered_map<long, size_t> driver;  // bit -> combinational cell driving it
  for (const auto& [name, c] : mod["cells"].items()) {
    if (!Combinational(t, c["type"].get<std::string>())) continue;
    if (!c.contains("port_directions")) continue;
    Cell cell;
    cell.lut = Classify(t, c["type"].get<std::string>()) == CellClass::kLut;
    for (const auto& [port, bits] : c["connections"].items()) {
      const std::string dir = c["port_directions"].value(port, "");
      for (const auto& b : bits) {
        if (!b.is_number()) continue;
        (dir == "output" ? cell.out : cell.in).push_back(b.get<long>());
      }
    }
    for (long b : cell.out) driver[b] = cells.size();
    cells.push_back(std::move(cell));
  }
  // Longest path in cells, iteratively (depth-first with an explicit stack).
  std::vector<long> depth(cells.size(), 0);  // 0: not done; -1: on the stack
  std::vector<long> from(cells.size(), -1);  // predecessor cell on the longest path
  std::vector<size_t> order;                 // cells, each after the cells driving it
  for (size_t root = 0; root < cells.size(); ++root) {
    if (depth[root] != 0) continue;
    std::vector<std::pair<size_t, size_t>> stack{{root, 0}};
    depth[root] = -1;
    while (!stack.empty()) {
      auto& [c, i] = stack.back();
      if (i < cells[c].in.size()) {
        auto it = driver.find(cells[c].in[i++]);
        if (it == driver.end()) continue;
        const size_t p = it->second;
        if (depth[p] == -1) throw std::runtime_error("combinational loop in the netlist");
        if (depth[p] == 0) {
          depth[p] = -1;
          stack.push_back({p, 0});
        }
        continue;
      }
      long best = 0, arg = -1;
      for (long b : cells[c].in) {
        auto it = driver.find(b);
        if (it != driver.end() && depth[it->second] > best) {
          best = depth[it->second];
          arg = static_cast<long>(it->second);
        }
      }
      depth[c] = best + 1;
      from[c] = arg;
      order.push_back(c);
      stack.pop_back();
    }
  }
  Depth d;
  // LUT levels: the same longest path search counting LUTs only (carry and mux cells are free).
  std::vector<long> luts(cells.size(), 0);
  for (size_t c : order) {
    long best = 0;
    for (long b : cells[c].in) {
      auto it = driver.find(b);
      if (it != driver.end()) best = std::max(best, luts[it->second]);
    }
    luts[c] = best + (cells[c].lut ? 1 : 0);
    d.lut_levels = std::max(d.lut_levels, luts[c]);
  }
  long worst = -1;
  for (size_t c = 0; c < cells.size(); ++c)
    if (depth[c] > d.levels) {
      d.levels = depth[c];
      worst = static_cast<long>(c);
    }
  if (worst < 0) return d;
  long first = worst;
  while (from[first] >= 0) first = from[first];
  // Name the two ends after a net holding the first cell's input and the last cell's output,
  // preferring names from the source (no '$').
  std::unordered_map<long, std::string> names;
  auto want = [&](long b) { names.emplace(b, ""); };
  for (long b : cells[first].in) want(b);
  for (long b : cells[worst].out) want(b);
  for (const auto& [name, n] : mod["netnames"].items()) {
    const auto& bits = n["bits"];
    for (size_t i = 0; i < bits.size(); ++i) {
      if (!bits[i].is_number()) continue;
      auto it = names.find(bits[i].get<long>());
      if (it == names.end()) continue;
      const std::string label = name + (bits.size() > 1 ? "[" + std::to_string(i) + "]" : "");
      const bool pub = name.find('$') == std::string::npos;
      if (it->second.empty() || (pub && it->second.find('$') != std::string::npos))
        it->second = label;
    }
  }
  auto pick = [&](const std::vector<long>& bits) {
    std::string best;
    for (long b : bits) {
      const std::string& n = names[b];
      if (n.empty()) continue;
      if (best.empty() || (best.find('$') != std::string::npos && n.find('$') == std::string::npos))
        best = n;
    }
    return best;
  };
  // The start: an input of the first cell not driven by logic (a register, RAM, DSP or port).
  std::vector<long> starts;
  for (long b : cells[first].in)
    if (!driver.count(b)) starts.push_back(b);
  d.start = pick(starts.empty() ? cells[first].in : starts);
  d.end = pick(cells[worst].out);
  return d;
}

long PortBits(const nlohmann::json& netlist, const std::string& top) {
  long n = 0;
  if (!netlist.contains("modules") || !netlist["modules"].contains(top)) return 0;
  for (const auto& [name, p] : netlist["modules"][top]["ports"].items()) n += p["bits"].size();
  return n;
}

}  // namespace salsa::synth

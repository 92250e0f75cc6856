// The hierarchical proof's pure parts (equiv.h): the script that lists a side's module hierarchy,
// the reading of that listing, the bottom-up order of the modules, and their short names.
#include <algorithm>
#include <cctype>
#include <functional>
#include <set>
#include <sstream>

#include "equiv/equiv.h"

namespace salsa::equiv {

namespace {

// A module name as RTLIL writes it, without the backslash of a public name.
std::string Unescape(const std::string& n) {
  return n.size() > 1 && n[0] == '\\' ? n.substr(1) : n;
}

// A cell type that is a module: \\name or $paramod$...\\name (internal cells are $type).
bool IsModuleCell(const std::string& type) {
  return type[0] == '\\' || type.rfind("$paramod", 0) == 0;
}

}  // namespace

std::string HierarchyScript(const Side& side, const ScriptOptions& o, const std::string& rtlil) {
  const std::string prep = PrepScript(side, "unused", o);
  std::ostringstream s;
  // The reading and elaboration of PrepScript (without flattening), then the design as RTLIL.
  s << prep.substr(0, prep.find("prep -flatten")) << "write_rtlil " << rtlil << "\n";
  return s.str();
}

Hierarchy ParseHierarchy(const std::string& rtlil) {
  Hierarchy h;
  std::stringstream ss(rtlil);
  std::string line, module;
  bool blackbox = false;  // an `attribute \blackbox 1` before the module line
  std::set<std::string> boxes;
  while (std::getline(ss, line)) {
    std::istringstream ls(line);
    std::string word, type;
    ls >> word;
    if (word == "attribute" && line.find("\\blackbox 1") != std::string::npos) blackbox = true;
    if (word == "module") {
      ls >> module;
      module = Unescape(module);
      if (blackbox)
        boxes.insert(module);
      else
        h[module];
      blackbox = false;
    } else if (word == "cell" && ls >> type && !module.empty()) {
      if (IsModuleCell(type)) {
        auto& kids = h[module];
        type = Unescape(type);
        if (std::find(kids.begin(), kids.end(), type) == kids.end()) kids.push_back(type);
      }
    } else if (word != "attribute") {
      blackbox = false;
    }
  }
  // Black boxes (salsa_sram read as a library cell) are no module pairs to prove.
  for (auto& [m, kids] : h)
    kids.erase(std::remove_if(kids.begin(), kids.end(),
                              [&](const std::string& k) { return boxes.count(k) > 0; }),
               kids.end());
  return h;
}

std::set<std::string> ParseCombinational(const std::string& rtlil) {
  std::set<std::string> comb, state;
  std::stringstream ss(rtlil);
  std::string line, module;
  bool blackbox = false;  // an `attribute \blackbox 1` before the module line
  while (std::getline(ss, line)) {
    std::istringstream ls(line);
    std::string word, type;
    ls >> word;
    if (word == "attribute" && line.find("\\blackbox 1") != std::string::npos) blackbox = true;
    if (word == "module") {
      ls >> module;
      module = Unescape(module);
      if (!blackbox) comb.insert(module);
      blackbox = false;
    } else if (word == "process" && !module.empty()) {
      state.insert(module);
    } else if (word == "cell" && ls >> type && !module.empty()) {
      // A child module, a flip-flop, latch or memory: not combinational on its own.
      const bool child = IsModuleCell(type);
      const bool stateful =
          type.find("dff") != std::string::npos || type.find("dlatch") != std::string::npos ||
          type.rfind("$mem", 0) == 0 || type.rfind("$_SR", 0) == 0 || type.rfind("$sr", 0) == 0 ||
          type.rfind("$ff", 0) == 0 || type.rfind("$_FF", 0) == 0 || type.rfind("$_DFF", 0) == 0 ||
          type.rfind("$_ALDFF", 0) == 0;
      if (child || stateful) state.insert(module);
    }
  }
  for (const auto& m : state) comb.erase(m);
  return comb;
}

Ports ParsePorts(const std::string& rtlil) {
  Ports p;
  std::stringstream ss(rtlil);
  std::string line, module;
  while (std::getline(ss, line)) {
    std::istringstream ls(line);
    std::string word;
    ls >> word;
    if (word == "module") {
      ls >> module;
      module = Unescape(module);
    } else if (word == "wire" && (line.find(" input ") != std::string::npos ||
                                  line.find(" output ") != std::string::npos ||
                                  line.find(" inout ") != std::string::npos)) {
      // "wire width 9 input 1 \a_i": the direction, the width and the name.
      p[module].push_back(line.substr(line.find("wire") + 5));
    }
  }
  for (auto& [m, ports] : p) std::sort(ports.begin(), ports.end());
  return p;
}

std::vector<std::string> BottomUp(const Hierarchy& h, const std::string& top) {
  std::vector<std::string> order;
  std::set<std::string> seen;
  std::function<void(const std::string&)> visit = [&](const std::string& m) {
    if (!seen.insert(m).second) return;
    const auto it = h.find(m);
    if (it != h.end())
      for (const auto& k : it->second) visit(k);
    order.push_back(m);
  };
  visit(top);
  return order;
}

std::string ShortName(const std::string& module) {
  // $paramod$<sha1>\salsa_fifo -> salsa_fifo_<first 8 hex digits>
  if (module.rfind("$paramod$", 0) == 0) {
    const auto slash = module.rfind('\\');
    if (slash != std::string::npos)
      return module.substr(slash + 1) + "_" + module.substr(9, std::min<size_t>(8, slash - 9));
  }
  std::string s = module;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  return s;
}

}  // namespace salsa::equiv

// Port bundles and checked instance connections (see salsa/bundle.h).
#include "salsa/bundle.h"

#include <map>
#include <stdexcept>

namespace salsa::ir {

Bundle::Bundle(std::string name, std::vector<Signal> signals, Suffix suffix)
    : name_(std::move(name)), signals_(std::move(signals)), suffix_(suffix) {}

Bundle Bundle::Only(Dir dir) const {
  std::vector<Signal> sel;
  for (const Signal& s : signals_) {
    if (s.dir == dir) sel.push_back(s);
  }
  return Bundle(name_, sel, suffix_);
}

Bundle Bundle::Select(const std::vector<std::string>& names) const {
  std::vector<Signal> sel;
  for (const std::string& n : names) {
    bool found = false;
    for (const Signal& s : signals_) {
      if (s.name == n) {
        sel.push_back(s);
        found = true;
        break;
      }
    }
    if (!found) throw std::logic_error("bundle " + name_ + ": no signal '" + n + "'");
  }
  return Bundle(name_, sel, suffix_);
}

std::string Bundle::PortName(const Signal& sig, const std::string& prefix, bool flip) const {
  if (suffix_ == Suffix::kNone) return prefix + sig.name;
  const bool in = (sig.dir == Dir::kIn) != flip;
  return prefix + sig.name + (in ? "_i" : "_o");
}

void Bundle::DeclarePorts(Module& m, const std::string& prefix, bool flip) const {
  for (const Signal& s : signals_) {
    const bool in = (s.dir == Dir::kIn) != flip;
    if (in) {
      m.In(PortName(s, prefix, flip), s.width);
    } else {
      m.Out(PortName(s, prefix, flip), s.width);
    }
  }
}

void Bundle::DeclareWires(Scope& s, const std::string& wire_prefix) const {
  for (const Signal& sig : signals_) s.Wire(wire_prefix + sig.name, sig.width);
}

Conns Bundle::Connect(const std::string& port_prefix, const std::string& wire_prefix,
                      bool flip) const {
  Conns c;
  for (const Signal& s : signals_)
    c.push_back({PortName(s, port_prefix, flip), wire_prefix + s.name});
  return c;
}

void CheckInstance(const std::string& parent, const Module& child, const std::string& inst,
                   const Conns& params, const Conns& conns, const std::vector<std::string>& open) {
  const std::string where = parent + ": instance " + inst + " of " + child.name + ": ";
  for (const auto& [p, v] : params) {
    bool found = false;
    for (const Param& cp : child.params) found |= !cp.local && cp.name == p;
    if (!found) throw std::logic_error(where + "no parameter '" + p + "'");
  }
  std::map<std::string, unsigned> uses;
  for (const Port& p : child.ports) uses[p.name] = 0;
  auto use = [&](const std::string& port) {
    auto u = uses.find(port);
    if (u == uses.end()) throw std::logic_error(where + "no port '" + port + "'");
    if (++u->second > 1) throw std::logic_error(where + "port '" + port + "' connected twice");
  };
  for (const auto& [p, v] : conns) use(p);
  for (const std::string& p : open) use(p);
  for (const Port& p : child.ports) {
    if (uses[p.name] == 0) {
      throw std::logic_error(where + "port '" + p.name +
                             "' not connected (connect it or list it as open)");
    }
  }
}

std::string Instantiate(Scope& s, const Module& child, const std::string& inst, Conns params,
                        Conns conns, const std::vector<std::string>& open) {
  CheckInstance(s.ModuleName(), child, inst, params, conns, open);
  for (const std::string& p : open) conns.push_back({p, ""});
  return s.Inst(child.name, inst, std::move(params), std::move(conns));
}

}  // namespace salsa::ir

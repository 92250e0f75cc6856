// Port bundles (a named group of ports: declared on a module, as wires in a parent, connected on
// an instance) and instances whose connections are checked against the child module's ports.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "salsa/ir.h"

namespace salsa::ir {

// (port or parameter name, expression) pairs, in the order they are printed.
using Conns = std::vector<std::pair<std::string, std::string>>;

// One signal of a bundle; `dir` is the direction at the bundle's source end.
struct Signal {
  std::string name;
  Dir dir = Dir::kIn;
  std::string width = "1";
};

// A named group of signals. A module at the source end declares the ports with their directions,
// one at the sink end (`flip`) with every direction reversed. Port names are prefix + signal +
// suffix, the suffix _i / _o by the port's direction (Suffix::kDir) or none (Suffix::kNone, as
// the AXI ports m_axi_awid); the wires in a parent are wire prefix + signal.
class Bundle {
 public:
  enum class Suffix { kDir, kNone };
  Bundle(std::string name, std::vector<Signal> signals, Suffix suffix = Suffix::kDir);

  const std::string& Name() const { return name_; }
  const std::vector<Signal>& Signals() const { return signals_; }

  // The signals whose direction at the source end is `dir`, in order (same name and suffix).
  Bundle Only(Dir dir) const;
  // The named signals, in the order given; throws std::logic_error on a name not in the bundle.
  Bundle Select(const std::vector<std::string>& names) const;

  std::string PortName(const Signal& sig, const std::string& prefix, bool flip = false) const;
  // Declares one port per signal on `m`.
  void DeclarePorts(Module& m, const std::string& prefix = "", bool flip = false) const;
  // Declares one wire per signal in `s`: wire_prefix + signal.
  void DeclareWires(Scope& s, const std::string& wire_prefix = "") const;
  // The connections of an instance whose ports were declared with (port_prefix, flip): each port
  // to wire_prefix + signal (the parent's wire or port of that name).
  Conns Connect(const std::string& port_prefix, const std::string& wire_prefix,
                bool flip = false) const;

 private:
  std::string name_;
  std::vector<Signal> signals_;
  Suffix suffix_;
};

// Checks an instance `inst` of `child` in module `parent`: every parameter names a parameter of
// the child (not a localparam), every connection names a port of the child, and every port of
// the child is connected exactly once or listed in `open` (left unconnected). Throws
// std::logic_error("<parent>: instance <inst> of <child>: ...") otherwise.
void CheckInstance(const std::string& parent, const Module& child, const std::string& inst,
                   const Conns& params, const Conns& conns,
                   const std::vector<std::string>& open = {});

// Adds an instance of `child` to `s` after CheckInstance; ports in `open` are printed
// unconnected (.port()). Returns the instance's legal name.
std::string Instantiate(Scope& s, const Module& child, const std::string& inst, Conns params,
                        Conns conns, const std::vector<std::string>& open = {});

}  // namespace salsa::ir

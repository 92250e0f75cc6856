// The one Verilog printer: walks the IR (module, items, statements) and writes Verilog-2005.
#pragma once

#include <string>

#include "salsa/ir.h"

namespace salsa {

// Prints one module. The printer never changes the IR: names were legalised when declared.
std::string PrintModule(const ir::Module& module);

}  // namespace salsa

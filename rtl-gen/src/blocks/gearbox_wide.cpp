// salsa_gearbox_wide: the gearbox that emits several scratchpad words per cycle (K-slice builds'
// weight LOADs); the same builder as salsa_gearbox (gearbox.cpp).
#include "blocks/blocks.h"

namespace salsa::blocks {

ir::Module BuildGearboxWide(unsigned out_words) { return BuildGearboxOf(out_words); }

}  // namespace salsa::blocks

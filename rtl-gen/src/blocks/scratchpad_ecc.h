// The SECDED code of salsa_scratchpad (sram.ecc: secded): parameters, ports, encoder, decoder.
#pragma once

#include <string>

#include "salsa/ir.h"

namespace salsa::blocks {

// The module doc's sentences on the code.
std::string EccScratchpadDoc();
// EccBits (Hamming check bits for Width data bits) and CodeWidth (the stored word).
void DeclareEccParams(ir::Module& m);
// ecc_corr_o, ecc_err_o, ecc_addr_o.
void DeclareEccPorts(ir::Module& m);
// ecc_col / ecc_mask (the code's columns) and wcode, the word written.
void AddEccEncoder(ir::Scope& s);
// rdata_o and the flags from rcode, the stored word read.
void AddEccDecoder(ir::Scope& s, const std::string& clk, const std::string& rst);

}  // namespace salsa::blocks

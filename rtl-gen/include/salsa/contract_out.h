// The contract's command table as the generated files carry it: manifest.json's `commands`,
// salsa_params.h's field table, and the table of docs/architecture.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "salsa/config.h"
#include "salsa/hw_contract.h"

namespace salsa {

// "sp_addr" and "CMD_BASE_LO" -> "SpAddr" and "CmdBaseLo" (names in salsa_params.h).
std::string CamelCase(const std::string& s);

// Whether a build of `cfg` has the opcode / the field (its `feature` is "" or one `cfg` has).
bool InBuild(const Config& cfg, const char* feature);

// manifest.json's `commands`: [{op, code, doc, fields: [{name, word, lsb, width, signed, when,
// doc}]}] for the opcodes and fields of this build.
nlohmann::ordered_json CommandsJson(const Config& cfg);

// salsa_params.h's part: a CmdField per field of this build (kLoadSpAddr, ...), kCmdFields, and
// constexpr SetField / GetField over eight 32-bit command words, so that firmware encodes
// commands from the header alone.
std::string CommandsHeader(const Config& cfg);

// The Markdown table of every opcode and field of every build (docs/architecture.md between
// <!-- commands:begin --> and <!-- commands:end -->; a unit test checks that the two agree).
std::string CommandTableMarkdown();

}  // namespace salsa

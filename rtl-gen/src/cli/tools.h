// External tools for the commands that run them (`salsa synth`, `salsa equiv`): finding an
// executable and turning a tool's log into a one-line error.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace salsa::cli {

// The first executable `name` in PATH, or "" (a name with a '/' is taken as a path).
std::string FindInPath(const std::string& name);

// The executable `given` (or `name` in PATH when `given` is empty); throws std::runtime_error
// naming the Debian `package` and the --yosys / --nextpnr flag when there is none.
std::string Tool(const std::string& given, const std::string& name, const std::string& package);

// The first line of a tool's log that says what went wrong: the first "ERROR" line, else the
// last line ("(no message)" for an empty log).
std::string ErrorLine(const std::string& log);

// The files of `dir`/salsa.f, one per non-comment line, relative to `dir`; throws naming `flag`
// (the option that gave the directory) when salsa.f is missing or empty.
std::vector<std::string> FileList(const std::filesystem::path& dir, const std::string& flag,
                                  const std::string& list = "salsa.f");

}  // namespace salsa::cli

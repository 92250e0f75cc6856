// How the generated RTL codes its datapath for FPGA synthesis: queue storage is a memory array
// without reset (not a flat vector behind a variable part-select), datapath registers (PE
// operands and sums, requantiser stages, data delay lines) have no reset, and the requantiser
// multiplies signed 32 x 32 (not sign-extended 64 x 64). Checked on the printed Verilog of
// several configurations.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "salsa/config.h"
#include "salsa/generator.h"

namespace {

salsa::Config Cfg(const std::string& extra) {
  return salsa::ParseConfig("name: t\n" + extra, "t.yaml");
}

// Configurations covering every PE and array flavour and both requantiser variants.
const std::vector<std::string>& Configs() {
  static const std::vector<std::string> configs = {
      "array: {rows: 4, cols: 8}\n", "array: {rows: 4, cols: 4, dataflow: ws}\n",
      "array: {rows: 4, cols: 8}\nsparsity: {structured: \"2:4\"}\n",
      "array: {rows: 4, cols: 8}\nsparsity: {zero_skip: true}\n",
      "array: {rows: 4, cols: 8}\npipeline: {requant: true}\n"};
  return configs;
}

std::string File(const std::vector<salsa::GeneratedFile>& files, const std::string& name) {
  for (const auto& f : files) {
    if (f.name == name) return f.text;
  }
  ADD_FAILURE() << "no file " << name;
  return "";
}

// One always block: its sensitivity list and its text up to the matching `end`.
struct Process {
  std::string head;
  std::string body;
};

std::vector<Process> Processes(const std::string& text) {
  std::vector<Process> out;
  size_t pos = 0;
  while ((pos = text.find("always @(", pos)) != std::string::npos) {
    const size_t head_end = text.find(')', pos);
    Process p{text.substr(pos, head_end + 1 - pos), ""};
    // Balance begin/end from the first begin.
    size_t i = text.find("begin", head_end);
    int depth = 0;
    const std::regex word("\\b(begin|end)\\b");
    auto it = std::sregex_iterator(text.begin() + static_cast<std::ptrdiff_t>(i), text.end(), word);
    size_t stop = text.size();
    for (; it != std::sregex_iterator(); ++it) {
      depth += (*it)[1] == "begin" ? 1 : -1;
      if (depth == 0) {
        stop = i + static_cast<size_t>(it->position()) + 3;
        break;
      }
    }
    p.body = text.substr(head_end + 1, stop - head_end - 1);
    out.push_back(p);
    pos = stop;
  }
  return out;
}

bool HasReset(const Process& p) { return p.head.find("negedge rst_ni") != std::string::npos; }

// Names assigned (non-blocking) in a process: the identifier before `<=`, without any index.
std::vector<std::string> Assigned(const Process& p) {
  std::vector<std::string> names;
  const std::regex assign("([A-Za-z_][A-Za-z0-9_]*)\\s*(\\[[^;]*?\\])?\\s*<=");
  for (auto it = std::sregex_iterator(p.body.begin(), p.body.end(), assign);
       it != std::sregex_iterator(); ++it) {
    names.push_back((*it)[1]);
  }
  return names;
}

bool AssignedWithReset(const std::string& text, const std::string& reg) {
  for (const Process& p : Processes(text)) {
    if (!HasReset(p)) continue;
    for (const std::string& n : Assigned(p)) {
      if (n == reg) return true;
    }
  }
  return false;
}

TEST(DatapathCodingTest, FifoEntriesAreAMemoryWithoutReset) {
  for (const std::string& c : Configs()) {
    const std::string fifo = File(salsa::Generate(Cfg(c), "x"), "salsa_fifo.v");
    EXPECT_NE(fifo.find("reg [Width-1:0] mem_q [0:Depth-1];"), std::string::npos) << fifo;
    EXPECT_NE(fifo.find("mem_q[wr_q] <= data_i;"), std::string::npos) << fifo;
    EXPECT_NE(fifo.find("assign data_o = mem_q[rd_q];"), std::string::npos) << fifo;
    EXPECT_FALSE(AssignedWithReset(fifo, "mem_q")) << fifo;
    // The pointers and the count (what makes the content meaningful) are reset.
    for (const char* reg : {"rd_q", "wr_q", "count_q"}) {
      EXPECT_TRUE(AssignedWithReset(fifo, reg)) << reg;
    }
  }
}

// The defect class of the old FIFO anywhere: a process with a reset writing a flat vector at a
// register-selected position (`x_q[ptr_q*W +: W] <=`), which synthesises to a resettable
// flip-flop per bit behind a demultiplexer instead of a RAM.
TEST(DatapathCodingTest, NoResetProcessWritesARegisterIndexedPartSelect) {
  const std::regex indexed(
      "[A-Za-z0-9_]+\\[[^\\]]*\\b[A-Za-z0-9_]+_q\\b[^\\]]*\\+:[^\\]]*\\]\\s*<=");
  for (const std::string& c : Configs()) {
    for (const auto& f : salsa::Generate(Cfg(c), "x")) {
      for (const Process& p : Processes(f.text)) {
        if (!HasReset(p)) continue;
        std::smatch m;
        EXPECT_FALSE(std::regex_search(p.body, m, indexed)) << f.name << ": " << m.str(0);
      }
    }
  }
}

TEST(DatapathCodingTest, PeDatapathRegistersHaveNoReset) {
  const struct {
    const char* config;
    const char* file;
    std::vector<std::string> data, flags;
  } cases[] = {
      {"array: {rows: 4, cols: 8}\n",
       "salsa_pe.v",
       {"a_q", "w_q", "acc_q", "out_q"},
       {"a_valid_q", "a_clear_q", "a_last_q", "a_zero_q"}},
      {"array: {rows: 4, cols: 8}\nsparsity: {structured: \"2:4\"}\n",
       "salsa_pe24.v",
       {"a_q", "w_q", "m_q", "acc_q", "out_q"},
       {"a_valid_q", "a_clear_q", "a_last_q", "a_zero_q"}},
      {"array: {rows: 4, cols: 4, dataflow: ws}\n",
       "salsa_ws_pe.v",
       {"a_q", "w_q", "wn_q", "psum_q"},
       {"a_valid_q", "a_swap_q", "a_zero_q"}},
  };
  for (const auto& t : cases) {
    const std::string pe = File(salsa::Generate(Cfg(t.config), "x"), t.file);
    for (const std::string& r : t.data)
      EXPECT_FALSE(AssignedWithReset(pe, r)) << t.file << " " << r;
    for (const std::string& r : t.flags)
      EXPECT_TRUE(AssignedWithReset(pe, r)) << t.file << " " << r;
  }
}

TEST(DatapathCodingTest, DataDelayLinesHaveNoReset) {
  const std::string array =
      File(salsa::Generate(Cfg("array: {rows: 4, cols: 8}\n"), "x"), "salsa_mac_array.v");
  // Activations and weights: Reset 0; the flag lines keep the default (reset).
  const std::regex data_line("\\.Reset\\(0\\)\\s*\\)\\s*u_skew_(a_r|w_c)[0-9]+");
  const std::regex flag_line("\\)\\s*u_skew_f_r[0-9]+");
  EXPECT_EQ(std::distance(std::sregex_iterator(array.begin(), array.end(), data_line),
                          std::sregex_iterator()),
            3 + 7);
  EXPECT_EQ(std::distance(std::sregex_iterator(array.begin(), array.end(), flag_line),
                          std::sregex_iterator()),
            3);
  const std::string delay =
      File(salsa::Generate(Cfg("array: {rows: 4, cols: 8}\n"), "x"), "salsa_delay.v");
  EXPECT_NE(delay.find("begin : gen_no_reset"), std::string::npos) << delay;
}

TEST(DatapathCodingTest, RequantMultipliesSigned32By32WithoutResets) {
  for (const char* extra : {"", "pipeline: {requant: true}\n"}) {
    const std::string rq =
        File(salsa::Generate(Cfg(std::string("array: {rows: 4, cols: 8}\n") + extra), "x"),
             "salsa_requant.v");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(rq, m, std::regex("assign prod = (\\w+) \\* (\\w+);"))) << rq;
    for (const std::string& op : {m[1].str(), m[2].str()}) {
      EXPECT_TRUE(std::regex_search(rq, std::regex("(wire|reg) signed \\[31:0\\] " + op + ";")))
          << op << " is not a signed 32-bit operand:\n"
          << rq;
    }
    EXPECT_NE(rq.find("wire signed [63:0] prod;"), std::string::npos) << rq;
    for (const Process& p : Processes(rq)) EXPECT_FALSE(HasReset(p)) << p.head << p.body;
  }
}

}  // namespace

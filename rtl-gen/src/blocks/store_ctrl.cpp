// salsa_store_ctrl: runs one STORE command (bias, requantise each row, write it to DRAM).
#include "blocks/blocks.h"

namespace salsa::blocks {

using namespace ir;

Module BuildStoreCtrl(const Config& cfg) {
  const unsigned cols = cfg.cols, aw = cfg.axi_addr_bits;
  const unsigned cb = StoreBytesBits(cfg);
  // fp8 builds: FP STOREs (fmt != 0) skip the parameter words and send each row's packed bytes
  // (up to 4 * cols) as ceil(bytes / cols) write requests of up to cols bytes.
  const bool fp8 = cfg.HasFp8();
  const unsigned dw = fp8 ? cols * 32 : cols * 8;
  const std::string stride = aw > 32 ? "{" + N(aw - 32) + "'d0, stride_q}" : "stride_q";
  Module m(
      "salsa_store_ctrl",
      "STORE: reads the bias word and, for per-channel requantisation, the multiplier and "
      "shift words; then for each row its accumulator word, runs it through the PPU and "
      "hands the int8 row to the write DMA at addr + r * stride; finishes when the DMA accepts "
      "the last row (marked req_last), so the next STORE starts while this one's writes "
      "are still awaiting their responses (the sequencer's write table tracks them)." +
          std::string(fp8 ? " An FP STORE (fmt != 0) reads no parameter words; each row's "
                            "packed FP bytes go out as ceil(bytes / cols) requests of up to "
                            "cols bytes, request q at addr + r * stride + q * cols."
                          : ""));
  const char* states[] = {"StIdle",      "StBias", "StBiasWait", "StMult", "StMultWait", "StShift",
                          "StShiftWait", "StRow",  "StRowWait",  "StPpu",  "StReq"};
  for (unsigned i = 0; i < sizeof(states) / sizeof(states[0]); ++i) {
    m.LocalParam(states[i], "4'd" + N(i), "4");
  }
  std::string clk = m.In("clk_i"), rst = m.In("rst_ni");
  std::vector<std::string> cmd = {"start",     "acc_addr", "rows",  "bytes", "bias_addr",
                                  "dram_addr", "stride",   "perch", "qaddr", "mult",
                                  "shift",     "zp",       "min",   "max",   "busy"};
  if (fp8) cmd.insert(cmd.end(), {"fmt", "sat"});
  StoreCmd(cfg).Select(cmd).DeclarePorts(m, "", /*flip=*/true);
  AccRead(cfg).DeclarePorts(m, "acc_");
  m.Out("ppu_valid_o");
  PpuOperands(cfg).DeclarePorts(m, "ppu_");
  m.In("ppu_valid_i");
  m.In("ppu_out_i", N(dw));
  WriteReq(cfg).DeclarePorts(m, "wr_", /*flip=*/true);
  Scope s = m.Body();
  s.Reg("state_q", "4");
  s.Reg("perch_q");
  s.Reg("qaddr_q", "16");
  s.Reg("mult_q", N(cols * 32));
  s.Reg("shift_q", N(cols * 8));
  s.Wire("shift_word", N(cols * 8));
  s.Reg("zp_q", "8");
  s.Reg("min_q", "8");
  s.Reg("max_q", "8");
  s.Reg("acc_q", "16");
  s.Reg("row_q", "16");
  s.Reg("rows_q", "16");
  s.Reg("bytes_q", N(cb));
  s.Reg("bias_addr_q", "16");
  s.Reg("addr_q", N(aw));
  s.Reg("stride_q", "32");
  s.Reg("bias_q", N(cols * 32));
  s.Reg("data_q", N(dw));
  if (fp8) {
    s.Reg("fmt_q", "3");
    s.Reg("sat_q");
    s.Reg("rem_q", N(cb));  // bytes of the row not yet requested
    s.Reg("off_q", N(cb));  // the request's byte offset in the row
  }
  std::string lanes = "{";
  for (unsigned c = cols; c-- > 0;) {
    lanes += Slice("acc_rdata_i", N(c * 32 + 7), N(c * 32)) + (c ? ", " : "}");
  }
  s.Note("Per-channel shifts: the low byte of each int32 lane of the shift word.");
  s.Assign("shift_word", lanes);
  s.Assign("acc_re_o",
           "(state_q == StBias) || (state_q == StMult) || (state_q == StShift) || "
           "(state_q == StRow)");
  s.Assign("acc_raddr_o",
           "(state_q == StBias) ? bias_addr_q : (state_q == StMult) ? qaddr_q : "
           "(state_q == StShift) ? (qaddr_q + 16'd1) : (acc_q + row_q)");
  s.Assign("ppu_mult_o", "mult_q");
  s.Assign("ppu_shift_o", "shift_q");
  s.Note("Every field is latched at start: the sequencer moves on to later commands meanwhile.");
  s.Assign("ppu_zp_o", "zp_q");
  s.Assign("ppu_min_o", "min_q");
  s.Assign("ppu_max_o", "max_q");
  s.Assign("ppu_valid_o", "state_q == StRowWait");
  s.Assign("ppu_bias_o", "bias_q");
  s.Assign("wr_req_valid_o", "state_q == StReq");
  if (fp8) {
    const unsigned wb = CountBits(cols);
    s.Assign("ppu_fmt_o", "fmt_q");
    s.Assign("ppu_sat_o", "sat_q");
    s.Assign("wr_req_addr_o", "addr_q + {" + N(aw - cb) + "'d0, off_q}");
    s.Assign("wr_req_bytes_o", "(rem_q > " + N(cb) + "'d" + N(cols) + ") ? " + N(wb) + "'d" +
                                   N(cols) + " : " + Slice("rem_q", N(wb - 1), "0"));
    s.Assign("wr_req_data_o", Slice("data_q", N(cols * 8 - 1), "0"));
    s.Assign("wr_req_last_o",
             "(row_q + 16'd1 == rows_q) && (rem_q <= " + N(cb) + "'d" + N(cols) + ")");
  } else {
    s.Assign("wr_req_addr_o", "addr_q");
    s.Assign("wr_req_bytes_o", "bytes_q");
    s.Assign("wr_req_data_o", "data_q");
    s.Assign("wr_req_last_o", "row_q + 16'd1 == rows_q");
  }
  s.Assign("busy_o", "state_q != StIdle");
  Block reset = {Set("state_q", "StIdle"),
                 Set("acc_q", "16'd0"),
                 Set("row_q", "16'd0"),
                 Set("rows_q", "16'd0"),
                 Set("bytes_q", N(cb) + "'d0"),
                 Set("bias_addr_q", "16'd0"),
                 Set("addr_q", N(aw) + "'d0"),
                 Set("stride_q", "32'd0"),
                 Set("perch_q", "1'b0"),
                 Set("qaddr_q", "16'd0"),
                 Set("mult_q", N(cols * 32) + "'d0"),
                 Set("shift_q", N(cols * 8) + "'d0"),
                 Set("zp_q", "8'd0"),
                 Set("min_q", "8'd0"),
                 Set("max_q", "8'd0"),
                 Set("bias_q", N(cols * 32) + "'d0"),
                 Set("data_q", N(dw) + "'d0")};
  Block start = {Set("acc_q", "acc_addr_i"),
                 Set("row_q", "16'd0"),
                 Set("rows_q", "rows_i"),
                 Set("bytes_q", "bytes_i"),
                 Set("bias_addr_q", "bias_addr_i"),
                 Set("addr_q", "dram_addr_i"),
                 Set("stride_q", "stride_i"),
                 Set("perch_q", "perch_i"),
                 Set("qaddr_q", "qaddr_i"),
                 Set("mult_q", "{" + N(cols) + "{mult_i}}"),
                 Set("shift_q", "{" + N(cols) + "{shift_i}}"),
                 Set("zp_q", "zp_i"),
                 Set("min_q", "min_i"),
                 Set("max_q", "max_i"),
                 Set("state_q", "StBias")};
  Block ppu_done = {Set("data_q", "ppu_out_i"), Set("state_q", "StReq")};
  Block row_done = {
      Set("row_q", "row_q + 16'd1"), Set("addr_q", "addr_q + " + stride),
      If("row_q + 16'd1 == rows_q", {Set("state_q", "StIdle")}, {Set("state_q", "StRow")})};
  if (fp8) {
    for (const char* r : {"rem_q", "off_q"}) reset.push_back(Set(r, N(cb) + "'d0"));
    reset.push_back(Set("fmt_q", "3'd0"));
    reset.push_back(Set("sat_q", "1'b0"));
    start.back() = Set("state_q", "(fmt_i != 3'd0) ? StRow : StBias");
    start.push_back(Set("fmt_q", "fmt_i"));
    start.push_back(Set("sat_q", "sat_i"));
    ppu_done.push_back(Set("rem_q", "bytes_q"));
    ppu_done.push_back(Set("off_q", N(cb) + "'d0"));
    const std::string c = N(cb) + "'d" + N(cols);
    row_done = {If("rem_q > " + c,
                   {Set("rem_q", "rem_q - " + c), Set("off_q", "off_q + " + c),
                    Set("data_q", "data_q >> " + N(cols * 8))},
                   row_done)};
  }
  s.Seq(clk, rst, reset,
        {Case("state_q",
              {{{"StIdle"}, {If("start_i", start)}},
               {{"StBias"}, {Set("state_q", "StBiasWait")}},
               {{"StBiasWait"},
                {Set("bias_q", "acc_rdata_i"), Set("state_q", "perch_q ? StMult : StRow")}},
               {{"StMult"}, {Set("state_q", "StMultWait")}},
               {{"StMultWait"}, {Set("mult_q", "acc_rdata_i"), Set("state_q", "StShift")}},
               {{"StShift"}, {Set("state_q", "StShiftWait")}},
               {{"StShiftWait"}, {Set("shift_q", "shift_word"), Set("state_q", "StRow")}},
               {{"StRow"}, {Set("state_q", "StRowWait")}},
               {{"StRowWait"}, {Set("state_q", "StPpu")}},
               {{"StPpu"}, {If("ppu_valid_i", ppu_done)}},
               {{"StReq"}, {If("wr_req_ready_i", row_done)}}},
              {Set("state_q", "StIdle")})});
  return m;
}

}  // namespace salsa::blocks

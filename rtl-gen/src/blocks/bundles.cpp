// The interfaces between blocks as port bundles (declared in blocks.h): the builders declare
// their ports from them and salsa_top declares its wires and connects its instances with them.
#include "blocks/blocks.h"
#include "salsa/hw_contract.h"

namespace salsa::blocks {

using namespace ir;

namespace {

Signal In(const std::string& n, unsigned w = 1) { return {n, Dir::kIn, N(w)}; }
Signal Out(const std::string& n, unsigned w = 1) { return {n, Dir::kOut, N(w)}; }

}  // namespace

Bundle AxiLite() {
  return Bundle("axi_lite",
                {In("awaddr", 12), In("awprot", 3), In("awvalid"), Out("awready"), In("wdata", 32),
                 In("wstrb", 4), In("wvalid"), Out("wready"), Out("bresp", 2), Out("bvalid"),
                 In("bready"), In("araddr", 12), In("arprot", 3), In("arvalid"), Out("arready"),
                 Out("rdata", 32), Out("rresp", 2), Out("rvalid"), In("rready")},
                Bundle::Suffix::kNone);
}

Bundle AxiRead(const Config& cfg) { return AxiRead(cfg, cfg.BusBytes()); }
Bundle AxiWrite(const Config& cfg) { return AxiWrite(cfg, cfg.BusBytes()); }

Bundle AxiRead(const Config& cfg, unsigned bytes) {
  const unsigned id = cfg.axi_id_bits, aw = cfg.axi_addr_bits, dw = bytes * 8;
  return Bundle("axi_read",
                {Out("arid", id), Out("araddr", aw), Out("arlen", 8), Out("arsize", 3),
                 Out("arburst", 2), Out("arcache", 4), Out("arprot", 3), Out("arlock"),
                 Out("arqos", 4), Out("arvalid"), In("arready"), In("rid", id), In("rdata", dw),
                 In("rresp", 2), In("rlast"), In("rvalid"), Out("rready")},
                Bundle::Suffix::kNone);
}

Bundle AxiWrite(const Config& cfg, unsigned bytes) {
  const unsigned id = cfg.axi_id_bits, aw = cfg.axi_addr_bits, B = bytes;
  return Bundle(
      "axi_write",
      {Out("awid", id),   Out("awaddr", aw),   Out("awlen", 8), Out("awsize", 3), Out("awburst", 2),
       Out("awcache", 4), Out("awprot", 3),    Out("awlock"),   Out("awqos", 4),  Out("awvalid"),
       In("awready"),     Out("wdata", B * 8), Out("wstrb", B), Out("wlast"),     Out("wvalid"),
       In("wready"),      In("bid", id),       In("bresp", 2),  In("bvalid"),     Out("bready")},
      Bundle::Suffix::kNone);
}

void AxiSideband(const Config& cfg, Scope* s, const std::string& prefix) {
  s->Assign(prefix + "cache", "4'd" + N(cfg.axi_cache));
  s->Assign(prefix + "prot", "3'd" + N(cfg.axi_prot));
  s->Assign(prefix + "lock", "1'b0");
  s->Assign(prefix + "qos", "4'd" + N(cfg.axi_qos));
}

Bundle ComputeStatusBundle() {
  std::vector<Signal> sigs;
  for (const ComputeStatus& st : kComputeStatus) sigs.push_back(Out(st.name, st.bits));
  return Bundle("compute_status", sigs);
}

Bundle ComputeCmd(const Config& cfg) {
  std::vector<Signal> sigs = {Out("start"), Out("act_addr", 16), Out("wgt_addr", 16),
                              Out("k", 16), Out("zp", 8),        Out("clear"),
                              Out("drain"), Out("acc_addr", 16)};
  if (cfg.LowPrecision()) sigs.push_back(Out("prec", 2));
  if (cfg.HasFp8()) sigs.push_back(Out("ld"));
  if (cfg.HasFp8() && cfg.zero_skip) sigs.push_back(Out("scan_fp8"));
  if (cfg.gemv_slices > 1) sigs.push_back(Out("slices", 3));
  if (cfg.dataflow == Dataflow::kWeightStationary) {
    // im2col: the flag, the block count and the geometry words w4..w7 (docs/conv.md).
    sigs.push_back(Out("conv"));
    sigs.push_back(Out("blocks", 16));
    sigs.push_back(Out("geo", 128));
  } else if (cfg.OsConv()) {
    // os im2col: the flag, the geometry words w4..w7 and w3[31:16] (docs/conv.md).
    sigs.push_back(Out("conv"));
    sigs.push_back(Out("geo", 128));
    sigs.push_back(Out("xgeo", 16));
    if (!cfg.zero_skip) sigs.push_back(Out("tiles", 8));
  }
  return Bundle("compute_cmd", sigs);
}

Bundle ZeroSkipCmd() {
  return Bundle("zero_skip_cmd",
                {Out("scan"), Out("lanes", 8), Out("indexed"), Out("j0", 16), Out("stride", 8),
                 Out("group"), In("scanning"), In("nnz", 16), In("listed", 16)});
}

// fp8 builds: row bytes up to 4 * cols (FP32 rows), the output format and saturate; the FP scale
// is `mult` (the same command bits).
Bundle StoreCmd(const Config& cfg) {
  std::vector<Signal> sigs = {Out("start"),
                              Out("acc_addr", 16),
                              Out("rows", 16),
                              Out("bytes", StoreBytesBits(cfg)),
                              Out("bias_addr", 16),
                              Out("dram_addr", cfg.axi_addr_bits),
                              Out("stride", 32),
                              Out("mult", 32),
                              Out("shift", 8),
                              Out("zp", 8),
                              Out("min", 8),
                              Out("max", 8),
                              Out("perch"),
                              Out("qaddr", 16),
                              In("busy")};
  if (cfg.HasFp8()) {
    sigs.push_back(Out("fmt", 3));
    sigs.push_back(Out("sat"));
  }
  return Bundle("store_cmd", sigs);
}

Bundle ReadReq(const Config& cfg) {
  const unsigned tw = ReadTagBits(cfg);
  return Bundle("read_req", {In("req_valid"), Out("req_ready"), In("req_addr", cfg.axi_addr_bits),
                             In("req_row_bytes", 24), In("req_rows", 16), In("req_stride", 32),
                             Out("busy"), In("req_tag", tw), Out("pop"), Out("pop_tag", tw),
                             Out("retire"), Out("retire_err")});
}

Bundle WriteReq(const Config& cfg) {
  return Bundle("write_req", {In("req_valid"), Out("req_ready"), In("req_addr", cfg.axi_addr_bits),
                              In("req_bytes", CountBits(cfg.cols)), In("req_data", cfg.cols * 8),
                              In("req_last")});
}

// fp8 builds: the STORE's output format and saturate flag (the FP scale is `mult`).
Bundle PpuOperands(const Config& cfg) {
  const unsigned cols = cfg.cols;
  std::vector<Signal> sigs = {Out("bias", cols * 32), Out("mult", cols * 32),
                              Out("shift", cols * 8), Out("zp", 8),
                              Out("min", 8),          Out("max", 8)};
  if (cfg.HasFp8()) {
    sigs.push_back(Out("fmt", 3));
    sigs.push_back(Out("sat"));
  }
  return Bundle("ppu_operands", sigs);
}

// A read port of the acc scratchpad, at the reader (declared with the prefix acc_).
Bundle AccRead(const Config& cfg) {
  return Bundle("acc_read", {Out("re"), Out("raddr", 16), In("rdata", cfg.cols * 32)});
}

}  // namespace salsa::blocks

// Self-checking testbench of a generated salsa_top (salsa tb-export, docs/tb-export.md).
//
// Runs the GEMMs of one layer as the Verilator harness does (tb/harness/run_job.cpp): for each
// GEMM it loads the DRAM image (command list and input tensors) into the behavioural AXI4 memory,
// resets the accelerator, reads HW_ID, programs CMD_BASE, CMD_COUNT, IRQ_EN and CTRL.start with
// AXI4-Lite accesses timed like the harness's CsrPort, counts the cycles until irq_o, reads
// STATUS, ERR_CODE and ERR_CMD, and compares the output region with the expected bytes. It prints
// `cycles <n>` (the sum over the GEMMs, counted as the harness counts its `cycles`) and, as its
// last line, PASS or FAIL; on FAIL it ends with $fatal (a non-zero exit status of vvp).
//
// Everything specific to a layer and a config comes from salsa_tb_params.vh (`defines written by
// salsa tb-export) and the files it names: gemms.hex (per GEMM: DRAM bytes, command list address
// and count, output address and bytes, cycle budget), dram[_<g>].hex (bus words) and
// expected[_<g>].hex (bytes).
`include "salsa_tb_params.vh"

module salsa_tb;
  localparam integer BUS_BYTES = `SALSA_TB_BUS_BYTES;
  localparam integer ADDR_BITS = `SALSA_TB_ADDR_BITS;
  localparam integer ID_BITS = `SALSA_TB_ID_BITS;
  localparam integer MEM_WORDS = `SALSA_TB_MEM_WORDS;
  localparam integer OUT_BYTES = `SALSA_TB_MAX_OUT_BYTES;
  localparam integer NUM_GEMMS = `SALSA_TB_NUM_GEMMS;
  localparam integer GEMM_FIELDS = 8;  // 64-bit words per GEMM in gemms.hex

  reg clk = 1'b0;
  reg rst_n = 1'b1;
  always #5 clk = ~clk;

  // AXI4-Lite master (the CSR port).
  reg [11:0] s_axil_awaddr = 12'd0;
  reg [2:0] s_axil_awprot = 3'd0;
  reg s_axil_awvalid = 1'b0;
  reg [31:0] s_axil_wdata = 32'd0;
  reg [3:0] s_axil_wstrb = 4'd0;
  reg s_axil_wvalid = 1'b0;
  reg s_axil_bready = 1'b0;
  reg [11:0] s_axil_araddr = 12'd0;
  reg [2:0] s_axil_arprot = 3'd0;
  reg s_axil_arvalid = 1'b0;
  reg s_axil_rready = 1'b0;
  wire s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid;
  wire [1:0] s_axil_bresp, s_axil_rresp;
  wire [31:0] s_axil_rdata;
  wire irq;

  // AXI4 between the accelerator and the memory.
  wire [ID_BITS-1:0] awid, arid, bid, rid;
  wire [ADDR_BITS-1:0] awaddr, araddr;
  wire [7:0] awlen, arlen;
  wire [2:0] awsize, arsize;
  wire [1:0] awburst, arburst, bresp, rresp;
  wire awvalid, awready, wlast, wvalid, wready, bvalid, bready;
  wire arvalid, arready, rlast, rvalid, rready;
  wire [8*BUS_BYTES-1:0] wdata, rdata;
  wire [BUS_BYTES-1:0] wstrb;

  reg mem_run = 1'b0;
  reg mem_clear = 1'b0;
  reg [63:0] mem_bytes = 64'd0;
  wire mem_busy;
  wire [31:0] mem_violations;

  salsa_top dut (
      .clk_i(clk),
      .rst_ni(rst_n),
      .irq_o(irq),
      .s_axil_awaddr(s_axil_awaddr),
      .s_axil_awprot(s_axil_awprot),
      .s_axil_awvalid(s_axil_awvalid),
      .s_axil_wdata(s_axil_wdata),
      .s_axil_wstrb(s_axil_wstrb),
      .s_axil_wvalid(s_axil_wvalid),
      .s_axil_bready(s_axil_bready),
      .s_axil_araddr(s_axil_araddr),
      .s_axil_arprot(s_axil_arprot),
      .s_axil_arvalid(s_axil_arvalid),
      .s_axil_rready(s_axil_rready),
      .s_axil_awready(s_axil_awready),
      .s_axil_wready(s_axil_wready),
      .s_axil_bresp(s_axil_bresp),
      .s_axil_bvalid(s_axil_bvalid),
      .s_axil_arready(s_axil_arready),
      .s_axil_rdata(s_axil_rdata),
      .s_axil_rresp(s_axil_rresp),
      .s_axil_rvalid(s_axil_rvalid),
      .m_axi_awid(awid),
      .m_axi_awaddr(awaddr),
      .m_axi_awlen(awlen),
      .m_axi_awsize(awsize),
      .m_axi_awburst(awburst),
      .m_axi_awcache(),
      .m_axi_awprot(),
      .m_axi_awlock(),
      .m_axi_awqos(),
      .m_axi_awvalid(awvalid),
      .m_axi_wdata(wdata),
      .m_axi_wstrb(wstrb),
      .m_axi_wlast(wlast),
      .m_axi_wvalid(wvalid),
      .m_axi_bready(bready),
      .m_axi_arid(arid),
      .m_axi_araddr(araddr),
      .m_axi_arlen(arlen),
      .m_axi_arsize(arsize),
      .m_axi_arburst(arburst),
      .m_axi_arcache(),
      .m_axi_arprot(),
      .m_axi_arlock(),
      .m_axi_arqos(),
      .m_axi_arvalid(arvalid),
      .m_axi_rready(rready),
      .m_axi_awready(awready),
      .m_axi_wready(wready),
      .m_axi_bid(bid),
      .m_axi_bresp(bresp),
      .m_axi_bvalid(bvalid),
      .m_axi_arready(arready),
      .m_axi_rid(rid),
      .m_axi_rdata(rdata),
      .m_axi_rresp(rresp),
      .m_axi_rlast(rlast),
      .m_axi_rvalid(rvalid)
  );

  salsa_tb_axi_mem #(
      .BUS_BYTES(BUS_BYTES),
      .ADDR_BITS(ADDR_BITS),
      .ID_BITS(ID_BITS),
      .WORDS(MEM_WORDS),
      .LATENCY(`SALSA_TB_MEM_LATENCY)
  ) u_mem (
      .clk(clk),
      .run(mem_run),
      .clear(mem_clear),
      .mem_bytes(mem_bytes),
      .busy(mem_busy),
      .violations(mem_violations),
      .awid(awid),
      .awaddr(awaddr),
      .awlen(awlen),
      .awsize(awsize),
      .awburst(awburst),
      .awvalid(awvalid),
      .awready(awready),
      .wdata(wdata),
      .wstrb(wstrb),
      .wlast(wlast),
      .wvalid(wvalid),
      .wready(wready),
      .bid(bid),
      .bresp(bresp),
      .bvalid(bvalid),
      .bready(bready),
      .arid(arid),
      .araddr(araddr),
      .arlen(arlen),
      .arsize(arsize),
      .arburst(arburst),
      .arvalid(arvalid),
      .arready(arready),
      .rid(rid),
      .rdata(rdata),
      .rresp(rresp),
      .rlast(rlast),
      .rvalid(rvalid),
      .rready(rready)
  );

  reg [63:0] gemms[0:NUM_GEMMS*GEMM_FIELDS-1];
  reg [7:0] expected[0:OUT_BYTES-1];
  integer failures = 0;
  reg [63:0] total_cycles = 64'd0;

  // One clock cycle of the harness's SimCtrl::Tick: the rising edge, then the inputs change.
  task automatic tick;
    begin
      @(posedge clk);
      #1;
    end
  endtask

  // CsrPort's time-outs: 1000 cycles per handshake.
  task automatic csr_timeout(input integer n, input [11:0] addr);
    begin
      if (n >= 1000) begin
        $display("FAIL: CSR access at 0x%03h timed out after 1000 cycles", addr);
        $display("FAIL");
        $fatal(1);
      end
    end
  endtask

  // CsrPort::Write: AW and W offered together, each dropped after its handshake, then B.
  task automatic csr_write(input [11:0] addr, input [31:0] data);
    reg aw_done, w_done, aw_hs, w_hs, done;
    integer n;
    begin
      s_axil_awaddr = addr;
      s_axil_awprot = 3'd0;
      s_axil_awvalid = 1'b1;
      s_axil_wdata = data;
      s_axil_wstrb = 4'hF;
      s_axil_wvalid = 1'b1;
      s_axil_bready = 1'b0;
      aw_done = 1'b0;
      w_done = 1'b0;
      for (n = 0; !(aw_done && w_done); n = n + 1) begin
        csr_timeout(n, addr);
        @(negedge clk);
        aw_hs = s_axil_awvalid && s_axil_awready;
        w_hs = s_axil_wvalid && s_axil_wready;
        tick;
        if (aw_hs) begin
          aw_done = 1'b1;
          s_axil_awvalid = 1'b0;
        end
        if (w_hs) begin
          w_done = 1'b1;
          s_axil_wvalid = 1'b0;
        end
      end
      s_axil_bready = 1'b1;
      done = 1'b0;
      for (n = 0; !done; n = n + 1) begin
        csr_timeout(n, addr);
        @(negedge clk);
        done = s_axil_bvalid;
        if (done && s_axil_bresp != 2'd0) begin
          $display("FAIL: CSR write at 0x%03h answered %0d", addr, s_axil_bresp);
          failures = failures + 1;
        end
        tick;
      end
      s_axil_bready = 1'b0;
    end
  endtask

  // CsrPort::Read: AR, then R.
  task automatic csr_read(input [11:0] addr, output [31:0] data);
    reg done;
    integer n;
    begin
      s_axil_araddr = addr;
      s_axil_arprot = 3'd0;
      s_axil_arvalid = 1'b1;
      s_axil_rready = 1'b0;
      done = 1'b0;
      for (n = 0; !done; n = n + 1) begin
        csr_timeout(n, addr);
        @(negedge clk);
        done = s_axil_arready;
        tick;
      end
      s_axil_arvalid = 1'b0;
      s_axil_rready = 1'b1;
      done = 1'b0;
      data = 32'd0;
      for (n = 0; !done; n = n + 1) begin
        csr_timeout(n, addr);
        @(negedge clk);
        done = s_axil_rvalid;
        data = s_axil_rdata;
        if (done && s_axil_rresp != 2'd0) begin
          $display("FAIL: CSR read at 0x%03h answered %0d", addr, s_axil_rresp);
          failures = failures + 1;
        end
        tick;
      end
      s_axil_rready = 1'b0;
    end
  endtask

  // SimCtrl::Reset(8): asynchronous reset held for 8 cycles, then 4 cycles for the reset
  // synchroniser. The memory does not move while reset is held, and starts empty.
  task automatic reset_dut;
    begin
      @(negedge clk);
      mem_run = 1'b0;
      mem_clear = 1'b1;
      rst_n = 1'b0;
      repeat (8) tick;
      rst_n = 1'b1;
      mem_clear = 1'b0;
      mem_run = 1'b1;
      repeat (4) tick;
    end
  endtask

  task automatic run_gemm(input integer g);
    reg [63:0] cmd_base, cmd_count, out_addr, out_bytes, timeout, cycles;
    reg [31:0] hw_id, status, err_code, err_cmd;
    reg [7:0] got;
    reg [63:0] a;
    integer i, bad, first;
    begin
      mem_bytes = gemms[g*GEMM_FIELDS+0];
      cmd_base = gemms[g*GEMM_FIELDS+1];
      cmd_count = gemms[g*GEMM_FIELDS+2];
      out_addr = gemms[g*GEMM_FIELDS+3];
      out_bytes = gemms[g*GEMM_FIELDS+4];
      timeout = gemms[g*GEMM_FIELDS+5];
      if (NUM_GEMMS == 1) begin
        $readmemh("dram.hex", u_mem.mem, 0, (mem_bytes + BUS_BYTES - 1) / BUS_BYTES - 1);
        $readmemh("expected.hex", expected, 0, out_bytes - 1);
      end else begin
        $readmemh($sformatf("dram_%0d.hex", g), u_mem.mem, 0,
                  (mem_bytes + BUS_BYTES - 1) / BUS_BYTES - 1);
        $readmemh($sformatf("expected_%0d.hex", g), expected, 0, out_bytes - 1);
      end
      reset_dut;
      csr_read(`SALSA_TB_CSR_HW_ID, hw_id);
      if (hw_id !== `SALSA_TB_HW_ID) begin
        $display("FAIL: GEMM %0d: HW_ID %08h, expected %08h", g, hw_id, `SALSA_TB_HW_ID);
        failures = failures + 1;
      end
      csr_write(`SALSA_TB_CSR_CMD_BASE_LO, cmd_base[31:0]);
      csr_write(`SALSA_TB_CSR_CMD_BASE_HI, cmd_base[63:32]);
      csr_write(`SALSA_TB_CSR_CMD_COUNT, cmd_count[31:0]);
      csr_write(`SALSA_TB_CSR_IRQ_EN, `SALSA_TB_IRQ_EN_DONE);
      csr_write(`SALSA_TB_CSR_CTRL, `SALSA_TB_CTRL_START);
      // run_job.cpp: cycles from the end of the CTRL write until irq_o is seen high.
      cycles = 0;
      while (irq !== 1'b1 && cycles < timeout) begin
        tick;
        cycles = cycles + 1;
      end
      total_cycles = total_cycles + cycles;
      csr_read(`SALSA_TB_CSR_STATUS, status);
      csr_read(`SALSA_TB_CSR_ERR_CODE, err_code);
      csr_read(`SALSA_TB_CSR_ERR_CMD, err_cmd);
      if (irq !== 1'b1) begin
        $display("FAIL: GEMM %0d: timeout: no interrupt after %0d cycles (STATUS %08h)", g,
                 timeout, status);
        failures = failures + 1;
      end
      if (status & `SALSA_TB_STATUS_ERROR) begin
        $display("FAIL: GEMM %0d: hardware error %0d at command %0d", g, err_code, err_cmd);
        failures = failures + 1;
      end else if (irq === 1'b1 && !(status & `SALSA_TB_STATUS_DONE)) begin
        $display("FAIL: GEMM %0d: irq_o high but STATUS %08h has no done bit", g, status);
        failures = failures + 1;
      end
      for (i = 0; i < 4 && mem_busy; i = i + 1) tick;
      if (mem_busy) begin
        $display("FAIL: GEMM %0d: AXI transactions still outstanding after done", g);
        failures = failures + 1;
      end
      if (mem_violations != 0) begin
        $display("FAIL: GEMM %0d: %0d AXI protocol violations", g, mem_violations);
        failures = failures + 1;
      end
      bad = 0;
      first = -1;
      for (i = 0; i < out_bytes; i = i + 1) begin
        a = out_addr + i;
        got = u_mem.mem[a/BUS_BYTES][8*(a%BUS_BYTES)+:8];
        if (got !== expected[i]) begin
          if (first < 0) begin
            first = i;
            $display("FAIL: GEMM %0d: output byte %0d (address 0x%0h): expected %02h, got %02h",
                     g, i, a, expected[i], got);
          end
          bad = bad + 1;
        end
      end
      if (bad != 0) begin
        $display("FAIL: GEMM %0d: %0d of %0d output bytes differ", g, bad, out_bytes);
        failures = failures + 1;
      end
      $display("GEMM %0d: %0d cycles, %0d output bytes compared", g, cycles, out_bytes);
    end
  endtask

  integer g;
  initial begin
    $readmemh("gemms.hex", gemms);
    for (g = 0; g < NUM_GEMMS; g = g + 1) run_gemm(g);
    $display("cycles %0d", total_cycles);
    if (failures == 0) begin
      $display("PASS");
      $finish;
    end else begin
      $display("FAIL");
      $fatal(1);
    end
  end
endmodule

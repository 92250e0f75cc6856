// Behavioural AXI4 slave memory for the exported testbench (salsa tb-export, docs/tb-export.md).
//
// Cycle for cycle the C++ DRAM model of the Verilator harness (tb/src/axi_dram.cpp) with no
// backpressure, bandwidth 1 beat per cycle per channel and non-strict behaviour:
// - ARREADY while fewer than 64 read bursts are queued, AWREADY while fewer than 64 write bursts
//   wait for their W beats, WREADY while fewer than 512 W beats are buffered (W may run ahead of
//   its AW);
// - the first R beat of a burst is handshaken LATENCY cycles after its AR handshake at the
//   earliest, the beats of a burst and the bursts in order, one beat per cycle;
// - B is handshaken LATENCY cycles after the last W beat was matched with its AW at the earliest;
// - a burst reaching beyond `mem_bytes` answers DECERR (its bytes read 0, its writes are dropped).
// Everything happens on the rising edge: the master's outputs are sampled just before it (as the
// C++ harness samples them), the slave's outputs change just after it. While `run` is low (the
// testbench holds reset) nothing moves; a rising edge with `clear` high empties the queues (a
// fresh model). X or Z on
// a valid or ready of the master, and a burst that is not INCR at the bus width, count as
// protocol violations.
// `mem` holds one bus word per entry, byte i of a word in bits 8i+7:8i; the testbench loads it
// with $readmemh.
module salsa_tb_axi_mem #(
    parameter integer BUS_BYTES = 16,
    parameter integer ADDR_BITS = 32,
    parameter integer ID_BITS = 4,
    parameter integer WORDS = 1024,
    parameter integer LATENCY = 20
) (
    input  wire                     clk,
    input  wire                     run,
    input  wire                     clear,
    input  wire [             63:0] mem_bytes,
    output wire                     busy,
    output reg  [             31:0] violations,
    // AXI4 slave
    input  wire [      ID_BITS-1:0] awid,
    input  wire [    ADDR_BITS-1:0] awaddr,
    input  wire [              7:0] awlen,
    input  wire [              2:0] awsize,
    input  wire [              1:0] awburst,
    input  wire                     awvalid,
    output reg                      awready,
    input  wire [  8*BUS_BYTES-1:0] wdata,
    input  wire [    BUS_BYTES-1:0] wstrb,
    input  wire                     wlast,
    input  wire                     wvalid,
    output reg                      wready,
    output reg  [      ID_BITS-1:0] bid,
    output reg  [              1:0] bresp,
    output reg                      bvalid,
    input  wire                     bready,
    input  wire [      ID_BITS-1:0] arid,
    input  wire [    ADDR_BITS-1:0] araddr,
    input  wire [              7:0] arlen,
    input  wire [              2:0] arsize,
    input  wire [              1:0] arburst,
    input  wire                     arvalid,
    output reg                      arready,
    output reg  [      ID_BITS-1:0] rid,
    output reg  [  8*BUS_BYTES-1:0] rdata,
    output reg  [              1:0] rresp,
    output reg                      rlast,
    output reg                      rvalid,
    input  wire                     rready
);
  localparam integer LAT = LATENCY < 1 ? 1 : LATENCY;
  localparam integer QUEUE = 64;  // AR and AW requests accepted (max_queued_reads/writes)
  localparam integer WBUF = 512;  // W beats accepted ahead of their AW (w_buffer_beats)
  localparam [1:0] OKAY = 2'd0, DECERR = 2'd3;

  reg [8*BUS_BYTES-1:0] mem[0:WORDS-1];

  // Queues: arrays with head/tail indices and counts.
  reg [63:0] rq_addr[0:QUEUE-1];
  reg [7:0] rq_len[0:QUEUE-1];
  reg [ID_BITS-1:0] rq_id[0:QUEUE-1];
  reg [63:0] rq_ready[0:QUEUE-1];
  reg [1:0] rq_resp[0:QUEUE-1];
  integer rq_head, rq_count, rq_beat;

  reg [63:0] wq_addr[0:QUEUE-1];
  reg [7:0] wq_len[0:QUEUE-1];
  reg [ID_BITS-1:0] wq_id[0:QUEUE-1];
  reg [1:0] wq_resp[0:QUEUE-1];
  integer wq_head, wq_count, wq_beat;

  reg [8*BUS_BYTES-1:0] wb_data[0:WBUF-1];
  reg [BUS_BYTES-1:0] wb_strb[0:WBUF-1];
  reg wb_last[0:WBUF-1];
  integer wb_head, wb_count;

  reg [ID_BITS-1:0] bq_id[0:QUEUE-1];
  reg [1:0] bq_resp[0:QUEUE-1];
  reg [63:0] bq_ready[0:QUEUE-1];
  integer bq_head, bq_count;

  reg [63:0] cycle;

  assign busy = rq_count != 0 || wq_count != 0 || bq_count != 0;

  // Bus-aligned address of beat `beat` of a burst at `addr`.
  function automatic [63:0] beat_addr(input [63:0] addr, input integer beat);
    beat_addr = addr - addr % BUS_BYTES + beat * BUS_BYTES;
  endfunction

  // OKAY, or DECERR when the burst's bytes [addr, aligned end) reach beyond the memory.
  function automatic [1:0] burst_resp(input [63:0] addr, input [7:0] len);
    burst_resp = beat_addr(addr, len + 1) > mem_bytes ? DECERR : OKAY;
  endfunction

  task automatic reset_model;
    begin
      rq_head = 0;
      rq_count = 0;
      rq_beat = 0;
      wq_head = 0;
      wq_count = 0;
      wq_beat = 0;
      wb_head = 0;
      wb_count = 0;
      bq_head = 0;
      bq_count = 0;
      cycle = 0;
      violations = 0;
      arready <= 1'b1;
      awready <= 1'b1;
      wready <= 1'b1;
      rvalid <= 1'b0;
      rlast <= 1'b0;
      rresp <= OKAY;
      rid <= {ID_BITS{1'b0}};
      rdata <= {8 * BUS_BYTES{1'b0}};
      bvalid <= 1'b0;
      bresp <= OKAY;
      bid <= {ID_BITS{1'b0}};
    end
  endtask


  // Writes the W beats that have their AW into memory; a burst's last beat queues its B.
  task automatic drain_writes;
    reg [63:0] base;
    integer i, slot;
    begin
      while (wq_count != 0 && wb_count != 0) begin
        base = beat_addr(wq_addr[wq_head], wq_beat);
        if (wb_last[wb_head] != (wq_beat == wq_len[wq_head])) begin
          violations = violations + 1;
          $display("salsa_tb_axi_mem: cycle %0d: W beat %0d of the burst at 0x%0h len %0d: wlast %s",
                   cycle, wq_beat, wq_addr[wq_head], wq_len[wq_head],
                   wb_last[wb_head] ? "set early" : "missing");
        end
        for (i = 0; i < BUS_BYTES; i = i + 1) begin
          if (wb_strb[wb_head][i] && base + i < mem_bytes)
            mem[(base+i)/BUS_BYTES][8*((base+i)%BUS_BYTES)+:8] = wb_data[wb_head][8*i+:8];
        end
        wb_head = (wb_head + 1) % WBUF;
        wb_count = wb_count - 1;
        if (wq_beat == wq_len[wq_head]) begin
          slot = (bq_head + bq_count) % QUEUE;
          bq_id[slot] = wq_id[wq_head];
          bq_resp[slot] = wq_resp[wq_head];
          bq_ready[slot] = cycle + LAT;
          bq_count = bq_count + 1;
          wq_head = (wq_head + 1) % QUEUE;
          wq_count = wq_count - 1;
          wq_beat = 0;
        end else begin
          wq_beat = wq_beat + 1;
        end
      end
    end
  endtask

  always @(posedge clk) begin : tick
    reg ar_hs, r_hs, aw_hs, w_hs, b_hs;
    reg [63:0] base;
    integer slot;
    if (clear) begin
      reset_model;
    end else if (run) begin
      // Icarus is 4-state: a valid or ready the accelerator leaves X after reset is an error.
      if (^{arvalid, awvalid, wvalid, rready, bready} === 1'bx) begin
        violations = violations + 1;
        $display("salsa_tb_axi_mem: cycle %0d: X on arvalid %b awvalid %b wvalid %b rready %b bready %b",
                 cycle, arvalid, awvalid, wvalid, rready, bready);
      end
      ar_hs = arvalid && arready;
      r_hs = rvalid && rready;
      aw_hs = awvalid && awready;
      w_hs = wvalid && wready;
      b_hs = bvalid && bready;
      if (r_hs) begin
        if (rq_beat == rq_len[rq_head]) begin
          rq_head = (rq_head + 1) % QUEUE;
          rq_count = rq_count - 1;
          rq_beat = 0;
        end else begin
          rq_beat = rq_beat + 1;
        end
      end
      if (b_hs) begin
        bq_head = (bq_head + 1) % QUEUE;
        bq_count = bq_count - 1;
      end
      if (ar_hs) begin
        slot = (rq_head + rq_count) % QUEUE;
        rq_addr[slot] = araddr;
        rq_len[slot] = arlen;
        rq_id[slot] = arid;
        rq_resp[slot] = burst_resp(araddr, arlen);
        rq_ready[slot] = cycle + LAT;
        rq_count = rq_count + 1;
        if (arsize != $clog2(BUS_BYTES) || arburst != 2'd1) begin
          violations = violations + 1;
          $display("salsa_tb_axi_mem: cycle %0d: AR burst at 0x%0h: size %0d burst %0d", cycle,
                   araddr, arsize, arburst);
        end
      end
      if (aw_hs) begin
        slot = (wq_head + wq_count) % QUEUE;
        wq_addr[slot] = awaddr;
        wq_len[slot] = awlen;
        wq_id[slot] = awid;
        wq_resp[slot] = burst_resp(awaddr, awlen);
        wq_count = wq_count + 1;
        if (awsize != $clog2(BUS_BYTES) || awburst != 2'd1) begin
          violations = violations + 1;
          $display("salsa_tb_axi_mem: cycle %0d: AW burst at 0x%0h: size %0d burst %0d", cycle,
                   awaddr, awsize, awburst);
        end
      end
      if (w_hs) begin
        slot = (wb_head + wb_count) % WBUF;
        wb_data[slot] = wdata;
        wb_strb[slot] = wstrb;
        wb_last[slot] = wlast;
        wb_count = wb_count + 1;
      end
      drain_writes;
      cycle = cycle + 1;

      // The outputs of the next cycle.
      arready <= rq_count < QUEUE;
      awready <= wq_count < QUEUE;
      wready <= wb_count < WBUF;
      if (!(rvalid && !r_hs)) begin  // else hold the beat until its handshake
        rvalid <= 1'b0;
        if (rq_count != 0 && cycle >= rq_ready[rq_head]) begin
          base = beat_addr(rq_addr[rq_head], rq_beat);
          rdata <= base < mem_bytes ? mem[base/BUS_BYTES] : {8 * BUS_BYTES{1'b0}};
          rvalid <= 1'b1;
          rresp <= rq_resp[rq_head];
          rlast <= rq_beat == rq_len[rq_head];
          rid <= rq_id[rq_head];
        end
      end
      if (!(bvalid && !b_hs)) begin
        bvalid <= 1'b0;
        if (bq_count != 0 && cycle >= bq_ready[bq_head]) begin
          bvalid <= 1'b1;
          bresp <= bq_resp[bq_head];
          bid <= bq_id[bq_head];
        end
      end
    end
  end
endmodule

// Compute path of tests/configs/lowp_8x8.yaml (salsa_compute_ctrl, salsa_sparsity_gate,
// salsa_mac_array) with behavioural act/weight/acc/index scratchpads (read latency 1), driven with
// back-to-back COMPUTEs as the sequencer issues them: an E4M3 tile with a bias load and two K
// chunks, an E5M2 tile from clear, an int4w tile and an int8 tile; then an fp8 and an int8 SCAN. Reads act.hex and wgt.hex,
// writes the acc words to acc_out.hex; compute_path_ref checks them (compute_path_test.sh).
// The int4w and int8 commands share the zero point: the compute controller's zero point is a
// command register, not pipelined with the steps (see docs/blocks/compute_ctrl.md).
`timescale 1ns/1ps
module tb;
  localparam R = 8, C = 8;
  reg clk = 0, rst_n = 0;
  always #5 clk = ~clk;
  reg start = 0; reg [15:0] act_addr, wgt_addr, k, acc_addr; reg [7:0] zp; reg clr, drn, accum, ld; reg scan = 0, sfp8 = 0; reg [1:0] prec;
  wire busy, feed_busy, act_re, wgt_re, gv, gc, gl, gld, adrain, acc_we, acc_re;
  wire [15:0] act_ra, wgt_ra, acc_wa, acc_ra; wire [1:0] gp, ap; wire [7:0] gzp;
  wire [32*C-1:0] drain_data, acc_wdata; reg [32*C-1:0] acc_rdata;
  reg [8*R-1:0] act_mem [0:63]; reg [8*C-1:0] wgt_mem [0:63]; reg [32*C-1:0] acc_mem [0:63];
  reg [8*R-1:0] act_rd; reg [8*C-1:0] wgt_rd; reg [15:0] idx_mem [0:63]; reg [15:0] idx_rd;
  wire idx_we, idx_re; wire [15:0] idx_wa, idx_wd, idx_ra, nnz; wire scanning;
  always @(posedge clk) begin
    if (act_re) act_rd <= act_mem[act_ra];
    if (wgt_re) wgt_rd <= wgt_mem[wgt_ra];
    if (acc_re) acc_rdata <= acc_mem[acc_ra];
    if (acc_we) acc_mem[acc_wa] <= acc_wdata;
    if (idx_we) idx_mem[idx_wa] <= idx_wd;
    if (idx_re) idx_rd <= idx_mem[idx_ra];
  end
  wire av, ac, al, ald; wire [9*R-1:0] aact; wire [R-1:0] az; wire [8*C-1:0] aw; wire [3:0] gcnt;
  salsa_compute_ctrl u_cc(.clk_i(clk), .rst_ni(rst_n), .start_i(start), .act_addr_i(act_addr), .wgt_addr_i(wgt_addr),
    .k_i(k), .zp_i(zp), .clear_i(clr), .drain_i(drn), .acc_addr_i(acc_addr), .prec_i(prec), .ld_i(ld), .scan_fp8_i(sfp8),
    .busy_o(busy), .feed_busy_o(feed_busy), .act_busy_o(), .act_lo_o(), .act_hi_o(), .wgt_busy_o(), .wgt_lo_o(), .wgt_hi_o(),
    .acc0_busy_o(), .acc0_lo_o(), .acc0_hi_o(), .acc1_busy_o(), .acc1_lo_o(), .acc1_hi_o(),
    .act_re_o(act_re), .act_raddr_o(act_ra), .wgt_re_o(wgt_re), .wgt_raddr_o(wgt_ra), .gate_valid_o(gv), .gate_clear_o(gc),
    .gate_last_o(gl), .gate_prec_o(gp), .gate_ld_o(gld), .zp_o(gzp), .array_drain_o(adrain), .acc_we_o(acc_we), .acc_waddr_o(acc_wa),
    .accum_i(accum), .drain_data_i(drain_data), .acc_re_o(acc_re), .acc_raddr_o(acc_ra), .acc_rdata_i(acc_rdata), .acc_wdata_o(acc_wdata),
    .scan_i(scan), .lanes_i(8'd8), .indexed_i(1'b0), .j0_i(16'd0), .stride_i(8'd1), .act_rdata_i(act_rd), .scanning_o(scanning), .nnz_o(nnz),
    .idx_we_o(idx_we), .idx_waddr_o(idx_wa), .idx_wdata_o(idx_wd), .idx_re_o(idx_re), .idx_raddr_o(idx_ra), .idx_rdata_i(idx_rd), .group_i(1'b0),
    .conv_i(1'b0), .geo_i(128'd0), .xgeo_i(16'd0), .act_shift_o(), .act_odd_o(), .act_pad_o());
  salsa_sparsity_gate u_g(.clk_i(clk), .rst_ni(rst_n), .valid_i(gv), .clear_i(gc), .last_i(gl), .prec_i(gp), .ld_i(gld), .zero_point_i(gzp),
    .act_i(act_rd), .wgt_i(wgt_rd), .valid_o(av), .clear_o(ac), .last_o(al), .prec_o(ap), .ld_o(ald), .act_o(aact), .act_zero_o(az), .wgt_o(aw), .gated_count_o(gcnt));
  salsa_mac_array u_a(.clk_i(clk), .rst_ni(rst_n), .in_valid_i(av), .in_clear_i(ac), .in_last_i(al), .in_prec_i(ap), .in_ld_i(ald),
    .act_i(aact), .act_zero_i(az), .wgt_i(aw), .drain_i(adrain), .drain_o(drain_data));
  integer i, fo, gated = 0;
  always @(posedge clk) if (rst_n) gated = gated + gcnt;
  task run(input [1:0] p, input l, input [15:0] aa, input [15:0] wa, input [15:0] kk, input [7:0] z, input cl, input dr, input [15:0] acca);
    begin
      @(negedge clk); while (feed_busy) @(negedge clk);
      start = 1; prec = p; ld = l; act_addr = aa; wgt_addr = wa; k = kk; zp = z; clr = cl; drn = dr; accum = 0; acc_addr = acca;
      @(negedge clk); start = 0;
    end
  endtask
  initial begin
    $readmemh("act.hex", act_mem); $readmemh("wgt.hex", wgt_mem);
    for (i = 0; i < 64; i = i + 1) acc_mem[i] = {C{32'hdeadbeef}};
    start = 0; accum = 0; prec = 0; ld = 0;
    repeat (3) @(negedge clk); rst_n = 1;
    run(2'd2, 1, 0, 40, 4, 0, 1, 0, 0);   // E4M3 bias load (clear ignored)
    run(2'd2, 0, 0, 0, 6, 0, 0, 0, 0);    // chunk 1
    run(2'd2, 0, 6, 6, 5, 0, 0, 1, 0);    // chunk 2, drain to 0..7
    run(2'd3, 0, 20, 20, 7, 0, 1, 1, 10); // E5M2 from clear, drain to 10..17
    run(2'd1, 0, 50, 50, 5, 8'd2, 1, 1, 20); // int4w to 20..23
    run(2'd0, 0, 44, 44, 6, 8'h02, 1, 1, 30); // int8 to 30..37
    @(negedge clk); while (busy) @(negedge clk); repeat (3) @(negedge clk);
    // SCAN act words 56..59 (56: +0/-0 codes only, 57: one lane 0x01, 58: +0/-0 only, 59: 0x00
    // and 0x80 with one lane 0x10): fp8 lists words 1 and 3 (the zero point 0x10 is ignored); the
    // same words as int8 with zero point 0 are all listed (0x80 is -128, not zero).
    @(negedge clk); start = 1; scan = 1; sfp8 = 1; act_addr = 56; k = 4; zp = 8'h10;
    @(negedge clk); start = 0; scan = 0;
    @(negedge clk); while (busy || scanning) @(negedge clk);
    if (nnz !== 16'd2 || idx_mem[0] !== 16'd1 || idx_mem[1] !== 16'd3) begin
      $display("compute_path_tb: fp8 SCAN listed %0d words (%0d, %0d), expected 2 (1, 3)", nnz, idx_mem[0], idx_mem[1]);
      $fatal(1);
    end
    @(negedge clk); start = 1; scan = 1; sfp8 = 0; act_addr = 56; k = 4; zp = 8'h00;
    @(negedge clk); start = 0; scan = 0;
    @(negedge clk); while (busy || scanning) @(negedge clk);
    if (nnz !== 16'd4) begin
      $display("compute_path_tb: int8 SCAN listed %0d words, expected 4", nnz);
      $fatal(1);
    end
    fo = $fopen("acc_out.hex", "w");
    for (i = 0; i < 64; i = i + 1) $fdisplay(fo, "%h", acc_mem[i]);
    $fclose(fo);
    $display("compute_path_tb: done, %0d operands gated", gated);
    $finish;
  end
  initial begin #400000; $display("compute_path_tb: TIMEOUT"); $fatal(1); end
endmodule

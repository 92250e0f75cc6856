// Source of tests/data/synth/xilinx_stat.json: two parametrisations of one module, a module
// instantiated twice inside another that is instantiated twice, and a block RAM.
module mac #(parameter W=8) (input clk_i, input [W-1:0] a, b, output reg [2*W-1:0] q);
  always @(posedge clk_i) q <= a*b + q;
endmodule
module pair (input clk_i, input [7:0] a, b, output [15:0] q0, q1);
  mac #(.W(8)) u0(clk_i, a, b, q0);
  mac #(.W(8)) u1(clk_i, b, a, q1);
endmodule
module bank (input clk_i, input we, input [9:0] wa, ra, input [31:0] wd, output reg [31:0] rd);
  reg [31:0] m [0:1023];
  always @(posedge clk_i) begin if (we) m[wa] <= wd; rd <= m[ra]; end
endmodule
module top (input clk_i, input [7:0] a, b, input we, input [9:0] wa, ra, input [31:0] wd,
            output [31:0] rd, output [63:0] q, output [31:0] q2, output reg [7:0] cnt);
  pair p0(clk_i, a, b, q[15:0], q[31:16]);
  pair p1(clk_i, b, a, q[47:32], q[63:48]);
  mac #(.W(16)) u1(clk_i, {a,b}, {b,a}, q2);
  bank m(clk_i, we, wa, ra, wd, rd);
  always @(posedge clk_i) cnt <= cnt + {a[3:0] ^ b[7:4], a[7:4]};
endmodule

// Golden printer example: every IR construct once.
module salsa_golden #(
  parameter Width = 8
) (
  input  wire clk_i,
  input  wire rst_ni,
  input  wire [Width-1:0] d_i,
  input  wire [1:0] sel_i,
  output wire [Width-1:0] q_o,
  output reg  flag_o
);
  localparam Half = Width / 2;
  localparam [1:0] StIdle = 2'd0;

  reg [Width-1:0] q_q;
  wire signed [8:0] sum;
  /*verilator tracing_off*/
  wire [15:0] bus_a;
  wire [15:0] bus_b;
  /*verilator tracing_on*/
  reg [7:0] mem_q [0:4-1];

  integer i;

  // Continuous assignments.
  assign sum = {1'b0, d_i} + 9'd1;
  assign q_o = q_q;

  always @(*) begin
    flag_o = 1'b0;
    case (sel_i)
      2'd0, 2'd1: begin
        flag_o = d_i[0];
      end
      2'd2: begin
      end
      default: begin
        flag_o = 1'b1;
      end
    endcase
    for (i = 0; i < 4; i = i + 1) begin
      if (mem_q[i] == d_i) begin
        flag_o = 1'b1;
      end
    end
  end

  always @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      q_q <= {Width{1'b0}};
    end else begin
      if (sel_i == 2'd0) begin
        q_q <= d_i;
      end else if (sel_i == 2'd1) begin
        q_q <= q_q + 1'b1;
      end else begin
        q_q <= q_q;
      end
    end
  end

  always @(posedge clk_i) begin
    mem_q[sel_i] <= d_i;
  end

  genvar k;
  generate
    for (k = 0; k < 2; k = k + 1) begin : gen_pair
      wire [3:0] tap;

      assign tap = d_i[k*4 +: 4];

      genvar j;
      for (j = 0; j < 1; j = j + 1) begin : gen_inner
        salsa_leaf #(
            .Width(4)
        ) u_leaf (
            .a_i(tap),
            .clk_i(clk_i)
        );
      end
    end
  endgenerate

  salsa_leaf u_plain (
      .a_i(d_i[3:0]),
      .clk_i(clk_i)
  );
endmodule

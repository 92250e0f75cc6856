#!/usr/bin/env python3
"""Writes the small .npy tensors the layer-file fuzzer's seeds name (tests/fuzz/tensors/), the
hand cases of tests/layers/make_layers.cpp and a few more. Run once; the output is committed."""
import os
import struct
import sys

FMT = {"|i1": "b", "|u1": "B", "<i4": "<i", "<f4": "<I", "<u2": "<H"}


def npy(descr, shape, values):
    sh = "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, sh)
    total = (10 + len(header) + 1 + 63) // 64 * 64
    header += " " * (total - 10 - len(header) - 1) + "\n"
    fmt = FMT[descr]
    data = b"".join(struct.pack(fmt, v) for v in values)
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + data


TENSORS = {
    "hand_conv_x.npy": ("|i1", [1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]),
    "hand_conv_w.npy": ("|i1", [1, 2, 2, 1], [1, 2, 3, 4]),
    "hand_conv_b.npy": ("<i4", [1], [10]),
    "hand_convpc_x.npy": ("|i1", [1, 3, 3, 2], [1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8, 9, -9]),
    "hand_convpc_w.npy": ("|i1", [2, 2, 2, 2], [1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, -1, 0, 2, 0, -2]),
    "hand_convpc_b.npy": ("<i4", [2], [4, -100]),
    "hand_dw_x.npy": ("|i1", [1, 2, 2, 2], [0, -1, 1, 5, 2, -5, 3, 10]),
    "hand_dw_w.npy": ("|i1", [1, 2, 2, 4], [1, 1, 1, 0, 0, 1, 1, -1, 0, 1, 1, 2, 0, 1, 1, 0]),
    "hand_dw_b.npy": ("<i4", [4], [0, 5, -3, 0]),
    "hand_mm_a.npy": ("|i1", [2, 2, 3], [1, 2, 3, 0, 1, 1, -128, 127, 1, 5, 5, 5]),
    "hand_mm_b.npy": ("|i1", [2, 3, 2], [1, 0, 0, 1, 1, 1, 2, -1, 1, 1, -128, 127]),
    "hand_fc_x.npy": ("|i1", [2, 3], [1, 2, 3, -4, 0, 5]),
    "hand_fc_w.npy": ("|i1", [2, 3], [1, -1, 2, 3, 0, -2]),
    "hand_fc_b.npy": ("<i4", [2], [10, -20]),
    # 2:4: K = 6, N = 2: compressed [2, 4] values and positions (docs/layers.md).
    "fc24_x.npy": ("|i1", [1, 6], [1, 2, 3, 4, 5, 6]),
    "fc24_w.npy": ("|i1", [2, 4], [7, 5, 1, 2, 0, 3, 4, 0]),
    "fc24_meta.npy": ("|u1", [2, 4], [1, 2, 0, 1, 0, 3, 0, 1]),
    "fc24_b.npy": ("<i4", [2], [1, -1]),
    # int4 weights: K = 5, N = 2: packed [2, 3].
    "w4fc_x.npy": ("|i1", [2, 5], [1, -2, 3, -4, 5, 0, 1, 2, 3, 4]),
    "w4fc_w.npy": ("|i1", [2, 3], [0x21, 0x7F, 0x08, -1, 0x10, 0x03]),
    "w4fc_b.npy": ("<i4", [2], [3, -3]),
    # FP8 (raw codes) and a float32 bias (bit patterns).
    "fp8h_x.npy": ("|u1", [1, 3], [0x38, 0x40, 0x00]),
    "fp8h_w.npy": ("|u1", [2, 3], [0x3C, 0x30, 0x7E, 0xB8, 0x40, 0x7F]),
    "fp8h_b.npy": ("<f4", [2], [0x3E800000, 0xC0400000]),
    "fp8mm_a.npy": ("|u1", [2, 2, 3], [0x38, 0x40, 0, 0x3C, 0x30, 0x7E, 0xB8, 0x40, 0x7F, 1, 2, 3]),
    "fp8mm_b.npy": ("|u1", [2, 3, 2], [0x38, 0x40, 0, 0x3C, 0x30, 0x7E, 0xB8, 0x40, 0x7F, 1, 2, 3]),
    "fp8cv_x.npy": ("|u1", [1, 3, 3, 1], [0x38, 0x40, 0, 0x3C, 0x30, 0x7E, 0xB8, 0x40, 0x7F]),
    "fp8cv_w.npy": ("|u1", [1, 2, 2, 1], [0x38, 0x40, 0, 0x3C]),
    "bf16.npy": ("<u2", [1, 2], [0x4030, 0x0000]),
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "tensors")
os.makedirs(out, exist_ok=True)
for name, (descr, shape, values) in TENSORS.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(npy(descr, shape, values))

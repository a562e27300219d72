#!/usr/bin/env python3
"""Converts a float32 ONNX model to float16 the way fp16 exports ship (weights, constants, inputs,
outputs and the KV cache all in float16). Used to make the fp16 test fixture from
the tiny-random-qwen2 fixture (../shared/fixtures/tiny-random-qwen2/policy.onnx, or
$STEPWISE_FIXTURES_DIR; onnx-parity.test.ts makes it in a temporary folder):

    python3 scripts/onnx-to-fp16.py IN.onnx OUT.onnx

Needs Debian's python3-onnx and python3-numpy. Values beyond the float16 range (e.g. the
float32 minimum used for attention masks) are clamped to +-65504.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

F32, F16 = TensorProto.FLOAT, TensorProto.FLOAT16


def to_f16(t: onnx.TensorProto) -> onnx.TensorProto:
    a = numpy_helper.to_array(t)
    if a.dtype != np.float32:
        return t
    a = np.clip(a, -65504, 65504).astype(np.float16)
    return numpy_helper.from_array(a, t.name)


def main(src: str, dst: str) -> None:
    m = onnx.load(src)
    g = m.graph
    for i, t in enumerate(g.initializer):
        g.initializer[i].CopyFrom(to_f16(t))
    for n in g.node:
        for a in n.attribute:
            if a.type == onnx.AttributeProto.TENSOR and a.t.data_type == F32:
                a.t.CopyFrom(to_f16(a.t))
            if n.op_type == 'Cast' and a.name == 'to' and a.i == F32:
                a.i = F16
    for v in list(g.input) + list(g.output) + list(g.value_info):
        if v.type.tensor_type.elem_type == F32:
            v.type.tensor_type.elem_type = F16
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    print(f'wrote {dst}')


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])

"""The voice's model with its alignment output, patched on the wire: the very model piper's
patch (with onnx) gives, and the model as it is when there is nothing to patch."""

from __future__ import annotations

from pathlib import Path

import pytest

from audioguide.engines.piper import default_voice_files
from audioguide.engines.piper_model import aligned_model, ceil_outputs, output_suffix

onnx = pytest.importorskip("onnx")


@pytest.fixture(scope="module")
def model() -> Path:
    return default_voice_files()[0]


def test_the_patched_bytes_are_pipers_patched_model(model):
    from piper.patch_voice_with_alignment import add_alignment_output

    expected = onnx.load(str(model))
    name = add_alignment_output(expected)
    patched = aligned_model(model)
    assert isinstance(patched, bytes)
    assert onnx.ModelProto.FromString(patched) == expected
    assert [o.name for o in expected.graph.output][-1] == name


def test_the_walk_finds_what_onnx_reads(model):
    proto = onnx.load(str(model))
    ceil, outputs = ceil_outputs(model.read_bytes())
    assert ceil == {o.encode() for n in proto.graph.node if n.op_type == "Ceil" for o in n.output}
    assert outputs == {o.name.encode() for o in proto.graph.output}


def test_an_already_patched_model_is_left_as_it_is(model, tmp_path):
    data = model.read_bytes()
    (ceil,) = ceil_outputs(data)[0]
    patched = tmp_path / "patched.onnx"
    patched.write_bytes(data + output_suffix(ceil))
    assert aligned_model(patched) == str(patched)


@pytest.mark.parametrize("content", [b"", b"\x0f", b"not a model at all", b":\xff\xff\xff\x0f"])
def test_what_is_not_a_model_goes_to_onnxruntime_as_it_is(tmp_path, content):
    path = tmp_path / "odd.onnx"
    path.write_bytes(content)
    assert aligned_model(path) == str(path)

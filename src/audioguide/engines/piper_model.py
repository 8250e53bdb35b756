"""A piper voice's model with its phoneme alignment output exposed, without the onnx package.

piper's patch_voice_with_alignment marks the output of the graph's one Ceil node (the samples
of every phoneme) as a graph output, with onnx: onnx.load, add_alignment_output and
SerializeToString took 0.5 s of CPU in every worker process (0.23 s of it importing onnx), for a
change of 20 bytes. Protocol buffers merge a message that appears twice on the wire (repeated
fields append), so the model's own bytes followed by one more `graph { output { name } }` are
the patched model: onnxruntime reads the same graph from them (the same outputs and samples as
from onnx's patched model, tested with the voice's noise off). Finding the node's name takes a
walk over the wire format that skips the weights: 0.02 s for the bundled voice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

# Field numbers in onnx.proto: ModelProto.graph, GraphProto.node and .output,
# NodeProto.output and .op_type, ValueInfoProto.name.
MODEL_GRAPH = 7
GRAPH_NODE, GRAPH_OUTPUT = 1, 12
NODE_OUTPUT, NODE_OP_TYPE = 2, 4
VALUE_NAME = 1
LENGTH_DELIMITED = 2
FIXED_SIZES = {1: 8, 5: 4}  # wire types 1 (64-bit) and 5 (32-bit)


def _varint(data: memoryview, pos: int) -> tuple[int, int]:
    """The unsigned varint at `pos` and the position after it."""
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _fields(data: memoryview, start: int, end: int) -> Iterator[tuple[int, int, int, int]]:
    """(field number, wire type, start, end) of each field of the message in data[start:end];
    start:end is the payload of a length-delimited field (else what follows the key).
    ValueError for what is not a well-formed message (IndexError past the end of data)."""
    pos = start
    while pos < end:
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value_end = _varint(data, pos)[1]
        elif wire == LENGTH_DELIMITED:
            length, pos = _varint(data, pos)
            value_end = pos + length
        elif wire in FIXED_SIZES:
            value_end = pos + FIXED_SIZES[wire]
        else:
            raise ValueError(f"wire type {wire} (groups) in an onnx model")
        yield number, wire, pos, value_end
        pos = value_end
    if pos != end:
        raise ValueError("a field runs past the end of its message")


def _strings(data: memoryview, start: int, end: int, number: int) -> list[bytes]:
    """The values of the length-delimited field `number` in the message data[start:end]."""
    return [bytes(data[a:b]) for n, wire, a, b in _fields(data, start, end)
            if n == number and wire == LENGTH_DELIMITED]


def ceil_outputs(model: bytes) -> tuple[set[bytes], set[bytes]]:
    """(outputs of the top-level Ceil nodes, names of the graph's outputs) of a serialized
    ModelProto, as piper's add_alignment_output looks for them."""
    data = memoryview(model)
    ceil: set[bytes] = set()
    outputs: set[bytes] = set()
    for number, wire, start, end in _fields(data, 0, len(data)):
        if number != MODEL_GRAPH or wire != LENGTH_DELIMITED:
            continue
        for field, kind, a, b in _fields(data, start, end):
            if kind != LENGTH_DELIMITED:
                continue
            if field == GRAPH_NODE and _strings(data, a, b, NODE_OP_TYPE)[-1:] == [b"Ceil"]:
                ceil.update(_strings(data, a, b, NODE_OUTPUT))
            elif field == GRAPH_OUTPUT:
                outputs.update(_strings(data, a, b, VALUE_NAME))
    return ceil, outputs


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _message_field(number: int, payload: bytes) -> bytes:
    """A length-delimited field on the wire: key, length, payload."""
    return _encode_varint(number << 3 | LENGTH_DELIMITED) + _encode_varint(len(payload)) + payload


def output_suffix(name: bytes) -> bytes:
    """The bytes that, after a serialized model, add the graph output `name`."""
    return _message_field(MODEL_GRAPH, _message_field(GRAPH_OUTPUT,
                                                      _message_field(VALUE_NAME, name)))


def aligned_model(model: Path) -> str | bytes:
    """The model with piper's alignment output added (bytes), or its path when it cannot be
    patched: no single Ceil tensor, already an output, or not a model this walk reads (then
    clips come without word timings, or onnxruntime says what is wrong with the file)."""
    data = Path(model).read_bytes()
    try:
        ceil, outputs = ceil_outputs(data)
    except (ValueError, IndexError):
        return str(model)
    if len(ceil) != 1 or ceil <= outputs:
        return str(model)
    return data + output_suffix(next(iter(ceil)))

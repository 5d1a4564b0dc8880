"""The title-prefix rule (kg/methods/title_rule.py): a prefix becomes a method only when it names a quantization
method, and such methods stay marked as derived in the graph."""

from __future__ import annotations

import pytest

from kg.curated.load import Located, NotMethodRecord
from kg.methods.title_rule import names_a_method, stop_names
from kg.pipeline import run

STOP = stop_names([Located(NotMethodRecord(name="Roofline", reason="a performance model of hardware, not a method"), "n.yaml", 1)])


@pytest.mark.parametrize("prefix, title, expected", [
    ("BRECQ", "BRECQ: Pushing the Limit of Post-Training Quantization by Block Reconstruction", True),
    ("XNOR-Net", "XNOR-Net: ImageNet Classification Using Binary Convolutional Neural Networks", True),
    ("LLM.int8()", "LLM.int8(): 8-bit Matrix Multiplication for Transformers at Scale", True),
    ("Roofline", "Roofline: An Insightful Visual Performance Model for Quantized Kernels", False),  # the stop-list
    ("ISO 26262", "ISO 26262: Road Vehicles Functional Safety for Integer Accelerators", False),  # a standard
    ("Beyond Outliers", "Beyond Outliers: A Study of Optimizers Under Quantization", False),  # a phrase
    ("Gap-8", "Gap-8: A RISC-V SoC for AI at the Edge of the IoT", False),  # no word of quantization
    ("Flow++", "Flow++: Improving Flow-Based Generative Models with Variational Dequantization", True),  # only a stop-list can tell
])
def test_a_prefix_is_a_method_only_when_it_names_a_quantization_method(prefix, title, expected):
    assert names_a_method(prefix, title, STOP) is expected


def test_curated_stop_list_and_derived_marking_in_a_build(project):
    (project.sources / "more.md").write_text(
        "## 2021\n- [ICML21](https://arxiv.org/abs/2101.00011) Roofline: Performance Bounds for Quantized Kernels on GPUs\n"
        "- [ICML21](https://arxiv.org/abs/2101.00012) ZetaQuant: Four-Bit Weights by Learned Grids\n")
    build = run(project)
    names = {m.name for m in build.methods}
    assert "ZetaQuant" in names and "Roofline" not in names and "ISO 26262" not in names and "Flow++" not in names
    text = build.dataset.ntriples.decode()
    zeta = "<https://w3id.org/qkg/resource/method/zetaquant>"
    assert f'{zeta} <https://w3id.org/qkg/ontology#derivedFromTitle> "true"^^<http://www.w3.org/2001/XMLSchema#boolean>' in text
    gptq = "<https://w3id.org/qkg/resource/method/gptq>"
    assert not any(line.startswith(gptq) and "derivedFromTitle" in line for line in text.splitlines())

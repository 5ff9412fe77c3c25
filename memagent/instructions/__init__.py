"""Standing instructions: parsed on write, superseded on update, selected per request (NLSI-style).

    mem.add_instruction("u1", "If I ask for flights, my preferred airline is Delta")
    InstructionRetriever(mem, strategy="multipass").select("u1", "Book me a flight to Boston").texts()

Parsing (domains, condition slots, action slots) runs offline with a small model trained on the NLSI/TAPS
tagged instructions (CC-BY-SA-4.0; see ``data/NOTICE.md``). What may become an instruction at all is an
``InstructionPolicy`` (:mod:`memagent.instructions.policy`).

Names load on first use: ``Memory`` needs the policy on every open, the parser and retriever only when
instructions are used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from memagent.instructions.model import ParserModel, default_model
    from memagent.instructions.parse import InstructionParser, ParsedInstruction, ParsedRequest, SlotValue
    from memagent.instructions.policy import DefaultInstructionPolicy, InstructionPolicy, Verdict
    from memagent.instructions.retriever import (
        STRATEGIES,
        InstructionRetriever,
        Overridden,
        RetrieverConfig,
        SelectedInstruction,
        Selection,
        Strategy,
    )
    from memagent.instructions.store import (
        StoredInstruction,
        add_instruction,
        instruction_candidate,
        stored_instructions,
    )

_EXPORTS = {
    "model": ("ParserModel", "default_model"),
    "parse": ("InstructionParser", "ParsedInstruction", "ParsedRequest", "SlotValue"),
    "policy": ("DefaultInstructionPolicy", "InstructionPolicy", "Verdict"),
    "retriever": ("STRATEGIES", "InstructionRetriever", "Overridden", "RetrieverConfig", "SelectedInstruction",
                  "Selection", "Strategy"),
    "store": ("StoredInstruction", "add_instruction", "instruction_candidate", "stored_instructions"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = [
    "DefaultInstructionPolicy",
    "InstructionParser",
    "InstructionPolicy",
    "InstructionRetriever",
    "Overridden",
    "ParsedInstruction",
    "ParsedRequest",
    "ParserModel",
    "RetrieverConfig",
    "STRATEGIES",
    "SelectedInstruction",
    "Selection",
    "SlotValue",
    "StoredInstruction",
    "Strategy",
    "Verdict",
    "add_instruction",
    "default_model",
    "instruction_candidate",
    "stored_instructions",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        msg = f"module 'memagent.instructions' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(import_module(f"memagent.instructions.{module}"), name)
    globals()[name] = value
    return value

"""Standing instructions: parsed on write, superseded on update, selected per request (NLSI-style).

    mem.add_instruction("u1", "If I ask for flights, my preferred airline is Delta")
    InstructionRetriever(mem, strategy="multipass").select("u1", "Book me a flight to Boston").texts()

Parsing (domains, condition slots, action slots) runs offline with a small model trained on the NLSI/TAPS
tagged instructions (CC-BY-SA-4.0; see ``data/NOTICE.md``).
"""

from memagent.instructions.model import ParserModel, default_model
from memagent.instructions.parse import InstructionParser, ParsedInstruction, ParsedRequest, SlotValue
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

__all__ = [
    "STRATEGIES",
    "InstructionParser",
    "InstructionRetriever",
    "Overridden",
    "ParsedInstruction",
    "ParsedRequest",
    "ParserModel",
    "RetrieverConfig",
    "SelectedInstruction",
    "Selection",
    "SlotValue",
    "StoredInstruction",
    "Strategy",
    "add_instruction",
    "default_model",
    "instruction_candidate",
    "stored_instructions",
]

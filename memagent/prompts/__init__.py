"""Prompts, one module per task; each holds its response model and a function building the messages."""

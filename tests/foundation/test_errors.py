from __future__ import annotations

import inspect

import pytest

import memagent
from memagent import errors


def _error_classes():
    return [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, errors.MemagentError)]


def test_every_error_descends_from_the_single_root():
    classes = _error_classes()
    assert len(classes) >= 10
    for cls in classes:
        assert issubclass(cls, errors.MemagentError)
        assert cls.__doc__, f"{cls.__name__} needs a one-line docstring"
        assert cls.code and cls.code.isidentifier()
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes)), "codes must be unique"


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (errors.ConfigError, ValueError),
        (errors.InvalidInputError, ValueError),
        (errors.NotFoundError, KeyError),
        (errors.LLMTimeoutError, TimeoutError),
        (errors.LLMOutputError, ValueError),
        (errors.MissingDependencyError, ImportError),
        (errors.IndexMismatchError, ValueError),
    ],
)
def test_errors_also_inherit_the_matching_builtin(cls, builtin):
    assert issubclass(cls, builtin)
    kwargs = {"extra": "local"} if cls is errors.MissingDependencyError else {}
    with pytest.raises(builtin):
        raise cls("boom", **kwargs)


def test_no_builtin_name_is_shadowed():
    import builtins

    for cls in _error_classes():
        assert not hasattr(builtins, cls.__name__), f"{cls.__name__} shadows a builtin"


def test_not_found_str_is_not_quoted_and_context_is_kept():
    err = errors.NotFoundError("no memory item 'x' for user 'u'", user_id="u", item_id="x")
    assert str(err) == "no memory item 'x' for user 'u'"
    assert err.user_id == "u" and err.item_id == "x"


def test_output_error_carries_raw_output_and_status_error_its_code():
    assert errors.LLMOutputError("bad", llm_output="{oops").llm_output == "{oops"
    assert errors.LLMStatusError("500", status_code=500).status_code == 500


def test_public_api_exports_the_tree():
    for name in ("MemagentError", "NotFoundError", "LLMOutputError", "LLMTimeoutError", "StoreError"):
        assert getattr(memagent, name) is getattr(errors, name)

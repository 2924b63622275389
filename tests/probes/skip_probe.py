"""Run only by tests/test_no_silent_skip.py: one test that always skips (not collected by default,
as its name does not start with test_)."""

import pytest


def test_needs_something_missing():
    pytest.skip("the probe's tool is not installed")

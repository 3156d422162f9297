#!/usr/bin/env python
"""Kept for habit and tooling; `agora` is the same command once installed."""

from agora.cli import main

if __name__ == "__main__":
    main()

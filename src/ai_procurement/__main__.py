"""``python -m ai_procurement``: the same as the ``ai-procurement`` command."""

from __future__ import annotations

from .cli import main

raise SystemExit(main())

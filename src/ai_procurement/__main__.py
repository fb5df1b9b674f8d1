"""``python -m ai_procurement``: the same as the ``ai-procurement`` command."""

from __future__ import annotations

from ai_procurement.cli import main

raise SystemExit(main())

"""Order services: every change of an order goes through these (STYLE.md §2)."""

"""Cross-cutting building blocks: the Actor, errors, identity numbers, small helpers."""

"""Risk-based selection of workplaces: scoring runs, the selection list, feedback."""

"""Reports to the Government and dashboards, built from the data (issue 6)."""

"""The audit log is not in the admin: it is read through the audited auditor pages only."""

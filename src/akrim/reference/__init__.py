"""Public reference data shipped with akrim (Sweden: municipalities, counties)."""

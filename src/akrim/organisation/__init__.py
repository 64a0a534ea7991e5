"""Agencies, regional centres, their memberships, staff and roles."""

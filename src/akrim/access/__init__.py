"""The one place that decides who may see whose records, for which purpose.

Today (foundation): deny by default; an actor sees the records owned by their own agency,
and nothing else. Sharing rules between agencies, with legal bases, purposes and
conditions, and break-the-glass, are built on this module (issue 3): every query that
returns register data already asks ``readable_owner_codes`` here.
"""

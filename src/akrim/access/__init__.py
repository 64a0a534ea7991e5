"""Information sharing between the agencies: data categories, legal bases, sharing rules,
and the one policy module that decides who may see what (``akrim.access.policy``)."""

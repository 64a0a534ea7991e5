"""Synthetic demo data: a made-up Sweden of firms, people, workplaces and earlier controls."""

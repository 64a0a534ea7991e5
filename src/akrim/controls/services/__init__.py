"""Writes to joint controls, by stage. Every service: authorize → validate → write in one
transaction → audit entry. Import the stage modules' functions from here."""

from akrim.controls.services.lifecycle import (
    assign_team_member,
    cancel_control,
    close_agency_part,
    close_control,
    draft_control,
    mark_carried_out,
    mark_planned,
    mark_prepared,
    plan_control,
    start_follow_up,
)

__all__ = [
    "assign_team_member",
    "cancel_control",
    "close_agency_part",
    "close_control",
    "draft_control",
    "mark_carried_out",
    "mark_planned",
    "mark_prepared",
    "plan_control",
    "start_follow_up",
]

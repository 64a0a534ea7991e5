"""Writes to joint controls, by stage. Every service: authorize → validate → write in one
transaction → audit entry. Import the stage modules' functions from here."""

from akrim.controls.services.feeds import create_calendar_feed, delete_calendar_feed
from akrim.controls.services.fieldwork import (
    PersonFacts,
    add_attachment,
    answer_checklist,
    clear_draft,
    delete_attachment,
    delete_observation,
    delete_person_met,
    record_ledger_check,
    record_observation,
    record_person_met,
    save_draft,
    set_person_indicators,
    update_person_met,
)
from akrim.controls.services.follow_up import (
    complete_task,
    create_due_tasks,
    delete_finding,
    record_decision,
    record_finding,
    update_decision_status,
)
from akrim.controls.services.history import HistoryResult, import_history
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
from akrim.controls.services.preparation import (
    delete_pre_check,
    record_pre_check,
    set_safety_assessment,
)

__all__ = [
    "HistoryResult",
    "PersonFacts",
    "add_attachment",
    "answer_checklist",
    "assign_team_member",
    "cancel_control",
    "clear_draft",
    "close_agency_part",
    "close_control",
    "complete_task",
    "create_calendar_feed",
    "create_due_tasks",
    "delete_attachment",
    "delete_calendar_feed",
    "delete_finding",
    "delete_observation",
    "delete_person_met",
    "delete_pre_check",
    "draft_control",
    "import_history",
    "mark_carried_out",
    "mark_planned",
    "mark_prepared",
    "plan_control",
    "record_decision",
    "record_finding",
    "record_ledger_check",
    "record_observation",
    "record_person_met",
    "record_pre_check",
    "save_draft",
    "set_person_indicators",
    "set_safety_assessment",
    "start_follow_up",
    "update_decision_status",
    "update_person_met",
]

"""Panel CSV import: all or nothing, every fault named by row, column and value; wrong,
missing, oversized and hostile files."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from akrim.audit.models import AuditEntry
from akrim.campaigns import imports
from akrim.campaigns.models import Answer, Response
from akrim.core.actor import Actor
from akrim.core.errors import Forbidden, NotFound
from tests.campaigns.conftest import SurveySet
from tests.cast import Cast

pytestmark = pytest.mark.django_db

GOOD = (
    "wave,group,weight,knows,agree,where,hours,note\n"
    "before,campaign,1.5,yes,4,tv|web,40,fine\n"
    "after,comparison,0.5,no,,,,\n"
    "during,campaign,1,yes,1,radio,12.5,\n"
)


def refused(s: SurveySet, actor: Actor, content: bytes) -> imports.PanelRefused:
    with pytest.raises(imports.PanelRefused) as error:
        imports.import_panel(actor=actor, survey_id=s.survey.pk, content=content)
    assert not Response.objects.exists()
    return error.value


def test_a_good_file_is_imported_whole(survey_set: SurveySet, communicator: Actor) -> None:
    result = imports.import_panel(
        actor=communicator, survey_id=survey_set.survey.pk, content=GOOD.encode(), filename="p.csv"
    )
    assert result.responses == 3
    assert result.by_wave == {"before/campaign": 1, "after/comparison": 1, "during/campaign": 1}
    weights = sorted(Response.objects.values_list("weight", flat=True))
    assert weights == [1.0, 1.0, 1.0]  # one response per wave: each rescaled to the mean 1
    assert set(Response.objects.values_list("source", flat=True)) == {"panel"}
    before = Response.objects.get(wave__phase="before")
    assert Answer.objects.get(question__code="where", response=before).choices == ["tv", "web"]
    after = Response.objects.get(wave__phase="after")
    assert Answer.objects.filter(response=after).count() == 1  # empty cells: no answer
    entry = AuditEntry.objects.get(action="campaigns.panel_imported")
    assert entry.detail["responses"] == 3


def test_a_byte_order_mark_and_no_weight_column_are_fine(
    survey_set: SurveySet, communicator: Actor
) -> None:
    content = "\ufeffwave,group,knows\nbefore,comparison,no\n".encode()
    assert (
        imports.import_panel(
            actor=communicator, survey_id=survey_set.survey.pk, content=content
        ).responses
        == 1
    )


def test_every_fault_is_named_with_row_column_and_value(
    survey_set: SurveySet, communicator: Actor
) -> None:
    content = (
        b"wave,group,weight,knows,agree,where,hours\n"
        b"before,campaign,1,yes,4,tv,40\n"
        b"later,campaign,1,yes,4,tv,40\n"
        b"before,elsewhere,1,yes,4,tv,40\n"
        b"before,campaign,-2,maybe,9,cinema,400\n"
        b"after,campaign,1\n"
    )
    error = refused(survey_set, communicator, content)
    problems = "\n".join(error.problems)
    assert "row 3, column 'wave': 'later'" in problems
    assert "row 4, column 'group': 'elsewhere'" in problems
    assert "row 5, column 'weight': '-2' is not a positive number" in problems
    assert "row 5, column 'knows': 'maybe' is not a valid answer" in problems
    assert "row 5, column 'agree': '9'" in problems
    assert "row 5, column 'where': 'cinema'" in problems
    assert "row 5, column 'hours': '400'" in problems
    assert "row 6: 3 cells where the header has 7" in problems
    assert "8 problem(s)" in error.message


@pytest.mark.parametrize(
    ("header", "needle"),
    [
        ("group,knows", "column 'wave' is missing"),
        ("wave,knows", "column 'group' is missing"),
        ("wave,group,knows,knows", "appears twice"),
        ("wave,group,colour", "no question of the survey has this code"),
        ("wave,group,,knows", "has no name"),
        ("wave,group", "no question column"),
    ],
)
def test_bad_headers_are_refused(
    survey_set: SurveySet, communicator: Actor, header: str, needle: str
) -> None:
    body = ",".join(["before", "campaign", "yes", "yes"][: header.count(",") + 1])
    error = refused(survey_set, communicator, f"{header}\n{body}\n".encode())
    assert any(needle in p for p in error.problems), error.problems


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "empty"),
        (b"wave,group,knows\n", "no responses"),
        (b"\xff\xfe\x00w\x00a", "NUL"),
        (b"wave,group,knows\nbefore,campaign,\xe9\n", "not UTF-8"),
        (b'wave,group,knows\nbefore,campaign,"yes\n', "not valid CSV"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL"),
    ],
)
def test_missing_wrong_and_hostile_files_are_refused(
    survey_set: SurveySet, communicator: Actor, content: bytes, needle: str
) -> None:
    error = refused(survey_set, communicator, content)
    assert needle in error.message


def test_an_oversized_file_is_refused_by_its_size(
    survey_set: SurveySet, communicator: Actor
) -> None:
    content = b"wave,group,knows\n" + b"before,campaign,yes\n" * (imports.MAX_BYTES // 20 + 1)
    error = refused(survey_set, communicator, content)
    assert "over the limit" in error.message


def test_too_many_columns_and_long_cells_are_refused(
    survey_set: SurveySet, communicator: Actor
) -> None:
    wide = ",".join(["wave", "group", *[f"c{i}" for i in range(200)]])
    assert "columns" in refused(survey_set, communicator, f"{wide}\n".encode()).message
    long = "x" * (imports.MAX_CELL + 1)
    error = refused(survey_set, communicator, f"wave,group,note\nbefore,campaign,{long}\n".encode())
    assert "over 2000 characters" in error.problems[0]


def test_formula_and_markup_in_text_are_stored_as_plain_text(
    survey_set: SurveySet, communicator: Actor
) -> None:
    content = b'wave,group,note\nbefore,campaign,"=HYPERLINK(""http://x"")<script>"\n'
    imports.import_panel(actor=communicator, survey_id=survey_set.survey.pk, content=content)
    assert Answer.objects.get().text == '=HYPERLINK("http://x")<script>'


def test_a_row_without_a_matching_wave_is_named(communicator: Actor, survey_set: SurveySet) -> None:
    error = refused(survey_set, communicator, b"wave,group,knows\nduring,comparison,yes\n")
    assert "row 2, columns 'wave' and 'group': the survey has no during wave" in error.problems[0]


def test_only_editors_import(cast: Cast, survey_set: SurveySet) -> None:
    with pytest.raises(Forbidden):
        imports.import_panel(
            actor=cast.actor("national_reader"),
            survey_id=survey_set.survey.pk,
            content=GOOD.encode(),
        )
    with pytest.raises(NotFound):
        imports.import_panel(
            actor=cast.actor("skv_inspector"),
            survey_id=survey_set.survey.pk,
            content=GOOD.encode(),
        )
    assert not Response.objects.exists()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300))
def test_any_bytes_are_imported_or_refused_cleanly(
    survey_set: SurveySet, communicator: Actor, content: bytes
) -> None:
    before = Response.objects.count()
    message = ""
    imported = 0
    try:
        imported = imports.import_panel(
            actor=communicator, survey_id=survey_set.survey.pk, content=content
        ).responses
    except imports.PanelRefused as error:
        message = error.message
    assert bool(message) != bool(imported)  # refused with a reason, or imported
    assert Response.objects.count() == before + imported


def test_weights_are_rescaled_to_a_mean_of_one_per_wave_keeping_their_ratios(
    survey_set: SurveySet, communicator: Actor
) -> None:
    content = (
        "wave,group,weight,knows\n"
        "before,campaign,1000,yes\n"
        "before,campaign,3000,no\n"
        "after,campaign,250,yes\n"
    )
    imports.import_panel(
        actor=communicator, survey_id=survey_set.survey.pk, content=content.encode()
    )
    before = sorted(Response.objects.filter(wave__phase="before").values_list("weight", flat=True))
    assert before == [0.5, 1.5]  # 1000 : 3000, mean 1
    assert list(Response.objects.filter(wave__phase="after").values_list("weight", flat=True)) == [
        1.0
    ]


def test_the_same_file_twice_is_refused(survey_set: SurveySet, communicator: Actor) -> None:
    imports.import_panel(actor=communicator, survey_id=survey_set.survey.pk, content=GOOD.encode())
    with pytest.raises(imports.PanelRefused, match="imported before"):
        imports.import_panel(
            actor=communicator, survey_id=survey_set.survey.pk, content=GOOD.encode()
        )
    assert Response.objects.count() == 3


@pytest.mark.parametrize("weight", ["1_000", "\u0663", "1e3", "-1", "nan"])
def test_odd_weights_are_refused(survey_set: SurveySet, communicator: Actor, weight: str) -> None:
    content = f"wave,group,weight,knows\nbefore,campaign,{weight},yes\n".encode()
    error = refused(survey_set, communicator, content)
    assert any("weight" in line for line in error.problems), error.problems

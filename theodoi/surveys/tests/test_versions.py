"""Once answered, a question's meaning never changes: an edit makes a new version."""

import pytest

from theodoi.surveys import actions
from theodoi.surveys.models import Answer, Question, QuestionVersion

from .factories import label, make_survey, submit

pytestmark = pytest.mark.django_db


def _spec(version, **change):
    return {**version.meaning(), **change}


def test_an_unanswered_question_is_edited_in_place(world):
    survey = make_survey(world)
    question = Question.objects.get(survey=survey, code="overall")
    version = actions.do_edit_question(
        question,
        by=world.coordinator,
        spec=_spec(question.current, text=label("Mức hài lòng?", "How satisfied?")),
    )
    assert version.number == 1
    assert QuestionVersion.objects.filter(question=question).count() == 1
    survey.refresh_from_db()
    assert survey.revision == 1


def test_an_answered_question_gets_a_new_version_and_old_answers_keep_theirs(world):
    survey = make_survey(world)
    first = submit(survey)
    question = Question.objects.get(survey=survey, code="overall")
    old = question.current
    new = actions.do_edit_question(
        question,
        by=world.coordinator,
        spec=_spec(old, text=label("Hài lòng với chuyến đi?", "Satisfied with the trip?")),
        expected=1,
    )
    assert new.number == 2
    old.refresh_from_db()
    assert old.text == {"vi": "Hài lòng chung?", "en": "Overall satisfaction?"}
    survey.refresh_from_db()
    assert survey.revision == 2
    question.refresh_from_db()
    assert question.current == new
    second = submit(survey)
    assert (first.revision, second.revision) == (1, 2)
    assert Answer.objects.get(response=first, question=question).version == old
    assert Answer.objects.get(response=second, question=question).version == new
    # Saving the same meaning again makes no version.
    again = actions.do_edit_question(question, by=world.coordinator, spec=_spec(new))
    assert again == new
    assert question.versions.count() == 2


def test_an_edit_from_an_old_version_is_refused_as_stale(world):
    from theodoi.core.workflow import Stale

    survey = make_survey(world)
    submit(survey)
    question = Question.objects.get(survey=survey, code="overall")
    actions.do_edit_question(
        question, by=world.coordinator, spec=_spec(question.current, required=False)
    )
    with pytest.raises(Stale):
        actions.do_edit_question(
            question,
            by=world.coordinator,
            spec=_spec(question.current, required=True),
            expected=1,
        )


def test_a_published_survey_cannot_change(world):
    from django.core.exceptions import ValidationError

    survey = make_survey(world, state="published")
    question = Question.objects.get(survey=survey, code="overall")
    with pytest.raises(ValidationError):
        actions.do_edit_question(
            question, by=world.coordinator, spec=_spec(question.current, required=False)
        )


def test_the_survey_life_follows_the_workflow_with_history(world):
    from theodoi.core.workflow import TransitionRefused

    survey = make_survey(world, state="draft")
    with pytest.raises(TransitionRefused):
        actions.do_close_survey(survey, by=world.coordinator)
    survey = actions.do_open_survey(survey, by=world.coordinator, version=survey.version)
    survey = actions.do_close_survey(survey, by=world.coordinator)
    with pytest.raises(Exception):  # noqa: B017 - a reason is required
        actions.do_reopen_survey(survey, by=world.coordinator, reason="")
    survey = actions.do_publish_results(survey, by=world.coordinator)
    assert survey.state == "published"
    steps = list(survey.history.order_by("history_date").values_list("state", "history_user"))
    assert [s for s, _u in steps][-3:] == ["open", "closed", "published"]
    assert steps[-1][1] == world.coordinator.pk

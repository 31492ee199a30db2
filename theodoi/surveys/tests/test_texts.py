"""Free-text answers: frequent terms in Vietnamese and English; a searchable list for staff."""

import pytest

from theodoi.surveys.texts import frequent_terms, tokens

from .factories import GOOD, make_survey, submit


def test_words_keep_their_diacritics_and_pairs_make_vietnamese_terms():
    assert tokens("Giá cả quá cao, 100% đắt!") == ["giá", "cả", "quá", "cao", "đắt"]
    terms = dict(
        frequent_terms(
            [
                "Giá cả quá cao",
                "giá cả ở chợ cao",
                "Biển chỉ dẫn thiếu",
                "The signs are missing",
                "More signs please",
            ]
        )
    )
    assert terms["giá cả"] == 2  # the pair, not its syllables
    assert "giá" not in terms and "cả" not in terms
    assert terms["signs"] == 2
    assert "the" not in terms and "và" not in terms


@pytest.mark.django_db
def test_the_free_text_page_searches_and_is_for_staff(client, world):
    survey = make_survey(world)
    submit(survey, {**GOOD, "q_comment": "Giá cả quá cao"})
    submit(survey, {**GOOD, "q_comment": "Cảnh đẹp"})
    client.force_login(world.viewer)
    page = client.get(f"/surveys/{survey.pk}/texts/?q=giá").content.decode()
    assert "Giá cả quá cao" in page and "Cảnh đẹp" not in page
    assert client.get(f"/surveys/{survey.pk}/texts/?question=comment&q=%00").status_code == 200
    client.force_login(world.outsider)
    assert client.get(f"/surveys/{survey.pk}/texts/").status_code == 404

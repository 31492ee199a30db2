"""Free-text answers: frequent terms in Vietnamese and English; a searchable list for staff."""

import pytest

from theodoi.surveys.texts import LEXICON, frequent_terms, learned_words, segment, tokens

from .factories import GOOD, make_survey, submit

# Visitors' comments as they are written (the demo's and the 2018 survey's kind).
REAL = [
    "Nhà vệ sinh công cộng ở Sa Pa còn ít và bẩn.",
    "Giá cả dịch vụ ở Sa Pa quá đắt, taxi không bật đồng hồ tính tiền.",
    "Cần thêm thùng rác trên đường xuống bản Cát Cát.",
    "Đường lên Sa Pa nhiều ổ gà, đi lại vất vả.",
    "Người dân tộc thân thiện, cảnh quan rất đẹp, sẽ quay lại.",
    "Thùng rác ở chợ còn ít, nhà vệ sinh thiếu.",
    "Bản Cát Cát đẹp nhưng hàng rong chèo kéo khách.",
    "Thêm biển chỉ dẫn bằng tiếng Anh.",
    "The cable car to Fansipan was great but the signs are only in Vietnamese.",
    "Fansipan cable car is expensive; more English signs please.",
]


def test_vietnamese_words_of_several_syllables_are_one_term():
    found = tokens(REAL[0])
    assert found[:4] == ["nhà", "vệ", "sinh", "công"]
    assert segment(found, LEXICON)[:2] == ["nhà vệ sinh", "công cộng"]
    learned = learned_words([tokens(t) for t in REAL])
    assert {"sa pa", "bản cát cát", "cable car", "thùng rác"} <= learned
    assert not {"ở sa", "và bẩn", "nhà vệ", "bản cát"} & learned
    terms = dict(frequent_terms(REAL, limit=40))
    assert terms["nhà vệ sinh"] == 2 and terms["thùng rác"] == 2
    assert terms["sa pa"] == 3 and terms["bản cát cát"] == 2 and terms["giá cả"] == 1
    assert terms["cable car"] == 2 and terms["fansipan"] == 2 and terms["signs"] == 2
    for syllable in ("nhà", "vệ", "sinh", "sa", "pa", "thùng", "rác", "cát"):
        assert syllable not in terms
    for function_word in ("ở", "và", "còn", "the", "is", "chúng tôi"):
        assert function_word not in terms


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

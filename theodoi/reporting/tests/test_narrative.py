"""What many units said, said once: grouping near-identical text, adding figures."""

from theodoi.reporting.narrative import group_similar, merge_figures, similarity

SLOW = (
    "Một số chi bộ thôn, bản vùng cao tổ chức quán triệt còn chậm do địa bàn rộng, "
    "giao thông đi lại khó khăn trong mùa mưa."
)
SLOW_TOO = (
    "Một số chi bộ thôn, bản vùng cao tổ chức quán triệt còn chậm do địa bàn rộng, "
    "giao thông đi lại khó khăn, nhất là trong mùa mưa."
)
FEW = "Tài liệu tuyên truyền bằng tiếng dân tộc thiểu số còn ít, chưa đáp ứng nhu cầu."


def test_near_identical_sentences_are_one_group_naming_everyone():
    groups = group_similar(
        [("A", SLOW, "1.1"), ("B", SLOW_TOO, "1.2"), ("C", FEW, "2.1"), ("D", SLOW, "1.1")]
    )
    assert [g.who for g in groups] == [["A", "B", "D"], ["C"]]
    assert groups[0].where == ["1.1", "1.2"]
    # The most said wording stands for the group, without its closing full stop.
    assert groups[0].text == SLOW.rstrip(".")
    assert groups[0].texts == [SLOW.rstrip("."), SLOW_TOO.rstrip("."), SLOW.rstrip(".")]


def test_diacritics_and_word_order_matter():
    assert similarity("Thiếu cán bộ ban", "Thiếu cán bộ bản") < 0.65
    assert similarity("cấp trên chỉ đạo cấp dưới", "cấp dưới chỉ đạo cấp trên") < 0.65
    assert similarity(SLOW, SLOW_TOO) > 0.75
    assert similarity("Đã tổ chức 5 hội nghị", "Đã tổ chức 12 hội nghị") == 1.0
    # Composed and decomposed Unicode forms of the same text are the same text.
    assert similarity("Tuyên truyền", "Tuye\u0302n truye\u0302\u0300n") == 1.0


def test_blank_text_is_no_group():
    assert group_similar([("A", "  ", ""), ("B", ".", "")]) == []


def test_counts_are_added_when_only_the_counts_differ():
    assert (
        merge_figures(
            [
                "Đã tổ chức 5 hội nghị cho 1.200 lượt cán bộ; 100% chi bộ đã triển khai.",
                "Đã tổ chức 7 hội nghị cho 420 lượt cán bộ; 100% chi bộ đã triển khai",
                "Đã tổ chức 1 hội nghị cho 30 lượt cán bộ; 100% chi bộ đã triển khai.",
            ]
        )
        == "Đã tổ chức 13 hội nghị cho 1.650 lượt cán bộ; 100% chi bộ đã triển khai"
    )


def test_percentages_years_dates_and_decimals_are_never_added():
    # Different percentages: the sentences differ otherwise, no sum.
    assert merge_figures(["Đạt 80% kế hoạch với 3 lớp", "Đạt 90% kế hoạch với 4 lớp"]) is None
    # The same year on both sides stays as it is; the counts add.
    assert (
        merge_figures(["Năm 2018 mở 3 lớp trong quý 2", "Năm 2018 mở 4 lớp trong quý 2"])
        == "Năm 2018 mở 7 lớp trong quý 2"
    )
    assert merge_figures(["Xong ngày 12/03/2018, 5 lớp", "Xong ngày 15/03/2018, 6 lớp"]) is None
    assert merge_figures(["Đạt 7,5 điểm với 3 lớp", "Đạt 7,5 điểm với 4 lớp"]) == (
        "Đạt 7,5 điểm với 7 lớp"
    )
    assert merge_figures(["Tháng 3 mở 2 lớp", "Tháng 4 mở 2 lớp"]) is None


def test_no_sum_without_counts_or_alone():
    assert merge_figures(["Đã xong", "Đã xong"]) is None
    assert merge_figures(["Đã tổ chức 5 hội nghị"]) is None


def test_spans_of_time_are_not_added():
    assert (
        merge_figures(
            [
                "Đã tổ chức 3 đợt; tiếp tục thực hiện trong 6 tháng cuối năm",
                "Đã tổ chức 4 đợt; tiếp tục thực hiện trong 6 tháng cuối năm",
            ]
        )
        == "Đã tổ chức 7 đợt; tiếp tục thực hiện trong 6 tháng cuối năm"
    )

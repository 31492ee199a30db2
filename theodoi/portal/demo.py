"""Demo data for the portal: the seed's own article and a handful of others.

The seed article — "Ban Tuyên giáo Tỉnh ủy Lào Cai: Tổ chức triển khai thực
hiện Đề án 17-ĐA/TU" (2018) — is loaded with its real text
(``data/seed_article.vi.txt``, the body of the source article, unedited), in
the category "Công tác tuyên giáo" of the Tỉnh ủy's portal, with a few other
articles in its categories, one scheduled after the demo's date, one waiting
for review, and the feedback inbox: three messages, one answered and
published under the article (without the sender's details).

The portal's editors are the demo's ``coordinator`` (Ban Tuyên giáo), who acts
for the Tỉnh ủy.
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.utils.html import escape

from theodoi.demo.context import DemoContext

from .actions import do_publish_progress
from .models import Article, Category, Feedback

SEED_FILE = Path(__file__).parent / "data" / "seed_article.vi.txt"
SEED_TITLE = "Ban Tuyên giáo Tỉnh ủy Lào Cai: Tổ chức triển khai thực hiện Đề án 17-ĐA/TU"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

CATEGORIES = [
    ("hoat-dong-tinh-uy", "Hoạt động của Tỉnh ủy", "Tin hoạt động của Tỉnh ủy, Ban Thường vụ."),
    ("cong-tac-tuyen-giao", "Công tác tuyên giáo", "Tin, bài của ngành tuyên giáo tỉnh."),
    ("cong-tac-dan-van", "Công tác dân vận", "Tin, bài về công tác dân vận."),
]


def _at(day: str, hour: int = 8) -> datetime:
    return datetime.combine(datetime.strptime(day, "%d/%m/%Y").date(), time(hour), TZ)


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip() and p.strip() != "\xa0"]


def seed_body() -> tuple[str, str]:
    """(body HTML, author) of the seed article: its paragraphs, the byline apart."""
    paragraphs = _paragraphs(SEED_FILE.read_text(encoding="utf-8"))
    byline = paragraphs.pop()  # "Phùng Nam Trung Ban Tuyên giáo Tỉnh ủy Lào Cai"
    html = []
    for p in paragraphs:
        if p.startswith(("Thứ nhất", "Thứ hai")):
            html.append(f"<p><strong>{escape(p)}</strong></p>")
        else:
            html.append(f"<p>{escape(p)}</p>")
    author = byline.replace(" Ban Tuyên giáo", " - Ban Tuyên giáo", 1)
    return "\n".join(html), author


OTHERS = [
    (
        "cong-tac-tuyen-giao",
        "Báo chí đồng hành và góp phần thúc đẩy mạnh mẽ công cuộc đổi mới của nước nhà",
        "(TG) - Phó Thủ tướng Chính phủ Vũ Đức Đam nhấn mạnh: Báo chí sẽ tiếp tục có những đổi "
        "mới mạnh mẽ hơn nữa, đồng hành và góp phần thúc đẩy mạnh mẽ công cuộc đổi mới của "
        "nước nhà…",
        "Tạp chí Tuyên giáo",
        "21/06/2018",
        True,
        "báo chí",
    ),
    (
        "cong-tac-tuyen-giao",
        "Hội nghị báo cáo viên cấp tỉnh tháng 6/2018 tổ chức theo hình thức trực tuyến",
        "Hội nghị được kết nối tới các điểm cầu huyện, thành phố, thực hiện chỉ tiêu trên 50% "
        "hội nghị báo cáo viên trong năm được tổ chức trực tuyến.",
        "Ban Tuyên giáo Tỉnh ủy",
        "28/06/2018",
        True,
        "báo cáo viên, trực tuyến",
    ),
    (
        "cong-tac-tuyen-giao",
        "Triển khai điều tra dư luận xã hội về sự hài lòng của du khách với du lịch Lào Cai",
        "Cuộc điều tra được điều chỉnh phù hợp với thực trạng hạ tầng phục vụ du lịch tại Sa Pa.",
        "Ban Tuyên giáo Tỉnh ủy",
        "12/05/2018",
        False,
        "dư luận xã hội, du lịch, Sa Pa",
    ),
    (
        "cong-tac-dan-van",
        "Nhân rộng mô hình \u201cDân vận khéo\u201d trong năm 2018",
        "Ban Dân vận Tỉnh ủy chủ trì 5 nhóm đầu công việc, trong đó có xây dựng mô hình "
        "\u201cDân vận khéo\u201d và nâng cao hiệu quả công tác dân vận của chính quyền.",
        "Ban Dân vận Tỉnh ủy",
        "03/04/2018",
        False,
        "dân vận khéo",
    ),
    (
        "hoat-dong-tinh-uy",
        "Kiện toàn ban tuyên vận, tổ tuyên vận ở cơ sở theo Quy định 11-QĐ/TU",
        "Các huyện ủy, thành ủy rà soát, kiện toàn ban tuyên vận, tổ tuyên vận, nhất là Phó "
        "trưởng ban tuyên vận chuyên trách.",
        "Ban Tuyên giáo Tỉnh ủy",
        "20/03/2018",
        False,
        "tuyên vận, 11-QĐ/TU",
    ),
]


def load(ctx: DemoContext) -> None:
    province = ctx.province
    editor = User.objects.get(username="coordinator")
    # The coordinator chose to show Kế hoạch 112-KH/TU's progress in public.
    do_publish_progress(ctx.plan, published=True, by=editor)
    _publish_ranking(province, editor)
    categories = {
        slug: Category.objects.create(
            owner=province, slug=slug, name=name, description=description, position=position
        )
        for position, (slug, name, description) in enumerate(CATEGORIES, start=1)
    }

    def article(
        category: str,
        title: str,
        lead: str,
        body: str,
        author: str,
        day: str,
        *,
        state: str = "published",
        featured: bool = False,
        tags: str = "",
        hour: int = 8,
    ) -> Article:
        item = Article(
            category=categories[category],
            title=title,
            lead=lead,
            body=body,
            author=author,
            tag_names=tags,
            state=state,
            featured=featured,
            created_by=editor,
            publish_at=_at(day, hour) if state == "published" else None,
            created_at=_at(day, 7),
        )
        item._history_user = editor  # type: ignore[attr-defined]
        item._change_reason = "demo"  # type: ignore[attr-defined]
        item.save()
        return item

    body, author = seed_body()
    seed = article(
        "cong-tac-tuyen-giao",
        SEED_TITLE,
        "Lào Cai: tham mưu đẩy mạnh triển khai thực hiện Đề án về công tác tuyên giáo, dân vận "
        "năm 2018.",
        body,
        author,
        "26/02/2018",
        featured=True,
        tags="Đề án 17-ĐA/TU, Kế hoạch 112-KH/TU, tuyên vận, dân vận",
        hour=9,
    )
    for slug, title, lead, by, day, featured, tags in OTHERS:
        article(slug, title, lead, f"<p>{escape(lead)}</p>", by, day, featured=featured, tags=tags)
    article(
        "hoat-dong-tinh-uy",
        "Sơ kết 6 tháng đầu năm thực hiện Kế hoạch 112-KH/TU",
        "Ban Tuyên giáo Tỉnh ủy tổng hợp báo cáo 6 tháng của các cơ quan, địa phương.",
        "<p>Bài sẽ đăng sau hội nghị sơ kết.</p>",
        "Ban Tuyên giáo Tỉnh ủy",
        "25/07/2018",
        tags="112-KH/TU",
    )  # scheduled after the demo's date: hidden until then
    article(
        "cong-tac-tuyen-giao",
        "Hội thi giảng viên lý luận chính trị giỏi cấp huyện năm 2018",
        "Điều chỉnh thời gian, nội dung, quy mô tổ chức hội thi cho phù hợp thực tiễn.",
        "<p>Bản thảo chờ duyệt.</p>",
        "Ban Tuyên giáo Tỉnh ủy",
        "10/07/2018",
        state="review",
    )

    def feedback(name: str, email: str, message: str, day: str, **extra: object) -> Feedback:
        item = Feedback(
            article=seed, name=name, email=email, message=message, received_at=_at(day, 20), **extra
        )
        item._change_reason = "received"  # type: ignore[attr-defined]
        item.save()
        return item

    feedback(
        "Lý Thị Mai",
        "ly.mai@demo.theodoi.invalid",
        "Xin hỏi: các xã vùng cao gửi tài liệu tuyên vận hằng tháng cho Ban Tuyên giáo Tỉnh ủy "
        "bằng cách nào khi đường truyền yếu?",
        "01/03/2018",
        phone="0912 000 111",
        address="Xã Bản Khoang, huyện Sa Pa",
        may_publish=True,
        state=Feedback.State.ANSWERED,
        published=True,
        answer=(
            "Các xã gửi báo cáo về huyện ủy và đồng thời gửi tài liệu liên quan về Ban Tuyên "
            "giáo Tỉnh ủy qua Cổng thông tin điện tử Tỉnh ủy; tài liệu được nhận cả khi gửi "
            "lại nhiều lần, nên đường truyền chập chờn không làm mất báo cáo."
        ),
        answered_at=_at("05/03/2018", 10),
        answered_by=editor,
    )
    feedback(
        "Trần Văn Hùng",
        "tran.hung@demo.theodoi.invalid",
        "Đề nghị đăng toàn văn Kế hoạch 112-KH/TU để cán bộ cơ sở tiện tra cứu.",
        "12/07/2018",
        phone="0987 222 333",
        address="Phường Kim Tân, thành phố Lào Cai",
        may_publish=True,
    )
    feedback(
        "Nguyễn Thị Hoa",
        "hoa.nguyen@demo.theodoi.invalid",
        "Tôi muốn biết lịch hội nghị tuyên vận tháng 8 của xã.",
        "14/07/2018",
        address="Xã Cốc San, huyện Bát Xát",
    )


def _publish_ranking(province: Any, editor: Any) -> None:
    """The coordinator published May 2018's tuyên vận ranking (the last closed month)."""
    from contextlib import suppress
    from datetime import date

    from django.core.exceptions import ValidationError

    from .actions import do_publish_ranking

    # Without the tuyên vận demo there is nothing to publish: the refusal is the answer.
    with suppress(ValidationError):
        do_publish_ranking(province, date(2018, 5, 1), by=editor)

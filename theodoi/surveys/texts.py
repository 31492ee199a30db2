"""Free-text answers: the most frequent terms, Vietnamese and English alike.

Vietnamese writes a space between syllables, not between words, and most of
its words have two or three syllables ("giá cả", "nhà vệ sinh"): counting
syllables would list "nhà", "vệ", "sinh". Words are found instead by
longest match, left to right, against

- a lexicon of the words visitors use in such comments (``LEXICON``: services,
  infrastructure, places, feelings), and
- the words the answers themselves show: a run of two or three syllables
  that occurs in at least two answers and makes up most of the occurrences
  of its rarer part (``count(ab) ≥ ½·min(count(a), count(b))``) — names such as
  "sa pa", "bản cát cát", "cable car" are learned this way, in any language
  (a pair seen only inside a longer word is not one).

Function words of both languages (``STOP``, with multi-syllable ones such as
"chúng tôi", "tuy nhiên") are dropped; each term counts once per answer.
A trained segmenter (underthesea, pyvi) would pull in scikit-learn and a model
for this one list; on short comments this grouping finds the same terms.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
STOP = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "i",
        "in",
        "is",
        "it",
        "its",
        "more",
        "my",
        "of",
        "on",
        "or",
        "so",
        "the",
        "their",
        "there",
        "they",
        "this",
        "to",
        "too",
        "very",
        "was",
        "we",
        "were",
        "with",
        "you",
        "your",
        "will",
        "not",
        "no",
        "và",
        "là",
        "của",
        "có",
        "cho",
        "các",
        "những",
        "được",
        "với",
        "không",
        "thì",
        "mà",
        "này",
        "đã",
        "để",
        "rất",
        "cần",
        "nên",
        "ở",
        "tại",
        "một",
        "nhiều",
        "hơn",
        "còn",
        "như",
        "khi",
        "cũng",
        "về",
        "ra",
        "vào",
        "trong",
        "từ",
        "lại",
        "đi",
        "bị",
        "do",
        "nhưng",
        "thêm",
        "quá",
        "ý",
        "em",
        "anh",
        "chị",
        "tôi",
        "mình",
        "ai",
        "gì",
        "nào",
        "đây",
        "đó",
        "kia",
        "nếu",
        "vì",
        "hay",
        "hoặc",
        "đều",
        "vẫn",
        "sẽ",
        "đang",
        "rồi",
        "nữa",
        "lắm",
        "chỉ",
        "mọi",
        "mỗi",
        "ạ",
        "nhé",
        "chúng tôi",
        "chúng ta",
        "tuy nhiên",
        "bởi vì",
        "có thể",
        "nên là",
        "cảm ơn",
        "xin cảm ơn",
        "rất nhiều",
        "hơi",
        "please",
        "thank",
        "thanks",
        "us",
        "our",
        "also",
        "should",
        "could",
        "would",
        "can",
        "be",
        "if",
        "all",
        "some",
        "much",
        "many",
        "here",
        "when",
        "which",
        "what",
        "that",
        "these",
        "those",
        "been",
        "had",
        "do",
        "did",
        "does",
        "me",
        "he",
        "she",
        "them",
        "than",
        "then",
        "just",
        "really",
        "quite",
    )
)

LEXICON = frozenset(
    (
        # services and prices
        "giá cả",
        "giá vé",
        "giá phòng",
        "dịch vụ",
        "du lịch",
        "du khách",
        "khách du lịch",
        "khách sạn",
        "nhà nghỉ",
        "nhà hàng",
        "đặt phòng",
        "phục vụ",
        "nhân viên",
        "hướng dẫn",
        "hướng dẫn viên",
        "thái độ",
        "thân thiện",
        "nhiệt tình",
        "chuyên nghiệp",
        "chặt chém",
        "đắt đỏ",
        "tính tiền",
        "đồng hồ",
        "hóa đơn",
        "niêm yết",
        "chèo kéo",
        "ăn xin",
        "hàng rong",
        "bán hàng",
        "mua sắm",
        "đặc sản",
        "ẩm thực",
        "món ăn",
        "đồ ăn",
        "thức ăn",
        "quà lưu niệm",
        "lưu niệm",
        # infrastructure and transport
        "hạ tầng",
        "cơ sở",
        "cơ sở hạ tầng",
        "giao thông",
        "đường sá",
        "ổ gà",
        "tắc đường",
        "ùn tắc",
        "xe buýt",
        "xe khách",
        "xe máy",
        "xe điện",
        "tàu hỏa",
        "nhà ga",
        "bến xe",
        "bãi đỗ",
        "đỗ xe",
        "cáp treo",
        "cửa khẩu",
        "vỉa hè",
        "đèn đường",
        "nhà vệ sinh",
        "vệ sinh",
        "công cộng",
        "thùng rác",
        "rác thải",
        "ô nhiễm",
        "sạch sẽ",
        "bẩn thỉu",
        "môi trường",
        "biển chỉ dẫn",
        "biển báo",
        "chỉ dẫn",
        "bản đồ",
        "thông tin",
        "tiếng anh",
        "tiếng việt",
        "điện thoại",
        "sóng điện thoại",
        "an ninh",
        "an toàn",
        "trật tự",
        # places and experience
        "tham quan",
        "điểm đến",
        "khu du lịch",
        "cảnh quan",
        "phong cảnh",
        "thiên nhiên",
        "ruộng bậc thang",
        "bậc thang",
        "leo núi",
        "đi bộ",
        "chợ phiên",
        "văn hóa",
        "văn hoá",
        "dân tộc",
        "bản địa",
        "người dân",
        "lễ hội",
        "thời tiết",
        "sương mù",
        "mùa đông",
        "hài lòng",
        "tuyệt vời",
        "ấn tượng",
        "quay lại",
        "cảm thấy",
    )
)


def tokens(text: str) -> list[str]:
    """The syllables (Vietnamese) or words (English) of ``text``, lowercased."""
    return [m.lower() for m in WORD.findall(text)]


def _runs(found: Sequence[str], size: int) -> set[str]:
    return {" ".join(found[i : i + size]) for i in range(len(found) - size + 1)}


def learned_words(answers: Sequence[Sequence[str]]) -> set[str]:
    """Runs of two or three syllables that behave as words in these answers."""
    singles: Counter[str] = Counter()
    runs: Counter[str] = Counter()
    for found in answers:
        singles.update(set(found))
        runs.update(_runs(found, 2) | _runs(found, 3))
    words: set[str] = set()
    for run, n in runs.items():
        parts = run.split()
        if n < 2 or parts[0] in STOP or parts[-1] in STOP:
            continue
        if len(parts) == 2:
            rarer = min(singles[parts[0]], singles[parts[1]])
        else:  # a trio must hold together against both its pairs
            rarer = min(runs[" ".join(parts[:2])], runs[" ".join(parts[1:])])
        if 2 * n >= rarer:
            words.add(run)
    # A pair seen only inside a longer word ("nhà vệ" of "nhà vệ sinh") is not one.
    trios = [w for w in words | LEXICON if w.count(" ") == 2]
    for trio in trios:
        parts = trio.split()
        for pair in (" ".join(parts[:2]), " ".join(parts[1:])):
            if pair in words and runs[pair] <= runs[trio]:
                words.discard(pair)
    return words


def segment(found: Sequence[str], words: set[str] | frozenset[str]) -> list[str]:
    """Syllables grouped into words, longest match first (three, two, one syllables)."""
    result: list[str] = []
    i = 0
    while i < len(found):
        for size in (3, 2, 1):
            candidate = " ".join(found[i : i + size])
            if size == 1 or (i + size <= len(found) and candidate in words):
                result.append(candidate)
                i += size
                break
    return result


def frequent_terms(texts: Iterable[str], limit: int = 20) -> list[tuple[str, int]]:
    """The ``limit`` most frequent terms (words of one to three syllables), each counted
    once per answer; function words left out."""
    answers = [tokens(text) for text in texts]
    words = LEXICON | learned_words(answers)
    terms: Counter[str] = Counter()
    for found in answers:
        terms.update({w for w in segment(found, words) if w not in STOP and len(w) > 1})
    return sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]

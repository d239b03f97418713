"""What a search result shows of a long text: the place where the asked words stand together."""

from archive.search import highlight

HEADING = "ĐẢNG BỘ TRƯỜNG ĐẠI HỌC KỸ THUẬT - CÔNG NGHỆ CẦN THƠ · CHI BỘ ĐIỆN - ĐIỆN TỬ"
FILLER = "Chi bộ nghe báo cáo tình hình thực hiện nhiệm vụ chính trị của đơn vị trong tháng. " * 6
DUES = "Thu nộp đảng phí tháng 11: 100% đảng viên đã nộp đủ, tổng số 1.250.000 đồng."


def test_a_long_minutes_is_shown_where_the_asked_words_stand_together():
    snippet = str(highlight(f"{HEADING} {FILLER} {DUES} {FILLER}", {"dang", "phi"}))
    assert "Thu nộp <mark>đảng</mark> <mark>phí</mark> tháng 11" in snippet
    assert "TRƯỜNG ĐẠI HỌC" not in snippet  # not the heading's first "ĐẢNG"
    assert snippet.startswith("… ") and snippet.endswith(" …")


def test_with_one_word_the_first_match_is_shown():
    snippet = str(highlight(f"{FILLER} {HEADING} {FILLER} {DUES}", {"dang"}))
    assert "<mark>ĐẢNG</mark> BỘ TRƯỜNG" in snippet


def test_a_short_text_is_shown_whole_and_escaped():
    assert str(highlight("Đảng phí <b>tháng</b> 11", {"dang", "phi"})) == (
        "<mark>Đảng</mark> <mark>phí</mark> &lt;b&gt;tháng&lt;/b&gt; 11"
    )

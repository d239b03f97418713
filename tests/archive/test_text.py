"""How the search reads Vietnamese: without case or diacritics, word by word (core/text.py)."""

import unicodedata

from core.text import fold, plain, words


def test_with_or_without_diacritics_the_words_are_the_same():
    assert fold("Bốn tốt") == fold("bon tot") == fold("BỐN TỐT") == "bon tot"
    assert plain("Bốn tốt") == plain("bon tot") == " bon tot "


def test_d_with_a_stroke_folds_to_d():
    # Unicode gives "đ" no decomposition: without the hand-made mapping "dang phi" would not find "Đảng phí".
    assert fold("Đảng phí") == "dang phi"
    assert words("ĐẢNG PHÍ") == ["dang", "phi"]


def test_text_typed_with_combining_marks_folds_as_precomposed_text():
    # Some Vietnamese keyboards send the tone marks as separate combining characters.
    decomposed = unicodedata.normalize("NFD", "Nghị quyết đảng phí")
    assert decomposed != "Nghị quyết đảng phí"
    assert words(decomposed) == words("Nghị quyết đảng phí") == ["nghi", "quyet", "dang", "phi"]


def test_punctuation_separates_words_and_is_not_a_word():
    assert words("Chi bộ: bốn-tốt, (đảng phí)!") == ["chi", "bo", "bon", "tot", "dang", "phi"]
    assert words("“Đảng phí”… tháng 11/2026.") == ["dang", "phi", "thang", "11", "2026"]
    assert words("!!! … ?") == []


def test_fold_keeps_the_punctuation_that_highlighting_walks_over():
    assert fold("Đảng phí, tháng 11!") == "dang phi, thang 11!"


def test_an_underscore_separates_words_as_postgresql_reads_them():
    # A file name such as "bao_cao_thang_11.pdf" is found by "bao cao" on both databases.
    assert words("bao_cao_thang_11.pdf") == ["bao", "cao", "thang", "11", "pdf"]
    assert plain("Báo_cáo") == " bao cao "

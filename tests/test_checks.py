"""Value checks (kg/parse/checks.py): no junk venue, year, title or author passes, whatever text surrounds it
(property tests), and a failing value is dropped and reported while the record keeps the rest."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kg.model import Person, Record
from kg.parse import checks
from kg.parse import text as tx

words = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=1, max_size=12)
padding = st.sampled_from(["", " ", "  "])


@given(words, st.sampled_from(["https://", "http://", "www."]), words)
def test_a_url_is_never_a_venue(host, scheme, path):
    assert checks.venue_problem(f"{scheme}{host}.org/{path}") is not None


@given(st.sampled_from(["![stars](https://img.shields.io/github/stars/a/b)", ":star: 120", "⭐ 33", "🔥 72", ":fire:",
                        "shields.io/badge/x-y-blue", "GitHub stars"]), padding)
def test_a_badge_is_never_a_venue(badge, pad):
    assert checks.venue_problem(pad + badge + pad) is not None


@given(st.integers(1000, 2999), st.integers(1000, 99999), st.sampled_from(["", "v1", "v12"]),
       st.sampled_from(["", " [cs.LG]", " [cs.CV]"]), st.sampled_from(["", "arXiv:", "arxiv: ", "ArXiv "]))
def test_an_arxiv_id_is_never_a_venue(yymm, number, version, category, prefix):
    assert checks.venue_problem(f"{prefix}{yymm}.{number:05d}{version}{category}") is not None


@given(st.sampled_from(sorted(checks.LINK_WORDS - {"arxiv"})), st.sampled_from(["{}", "[{}]", "({})", "{} "]), st.booleans())
def test_a_link_word_is_never_a_venue_nor_a_title(word, shape, upper):
    text = shape.format(word.upper() if upper else word.capitalize())
    assert checks.venue_problem(text) is not None
    assert checks.title_problem(text) is not None


@given(st.sampled_from(["Under review", "under Review at ICLR 2025", "Submitted to NeurIPS", "In submission", "to appear"]))
def test_a_publication_status_is_never_a_venue(status):
    assert checks.venue_problem(status) is not None


@given(st.integers(-5000, 5000))
def test_years_outside_the_range_are_refused(year):
    assert (checks.year_problem(year) is None) == (checks.FIRST_YEAR <= year <= checks.LAST_YEAR)


@given(st.integers(1950, 2099), words, st.sampled_from(["https://github.com/{w}{y}/repo", "https://x.org/{y}/{w}.pdf",
                                                         "[code](https://github.com/{w}{y}/q)", "github.com/{w}{y}"]))
def test_a_year_never_comes_from_a_url(year, word, shape):
    assert tx.year_of(shape.format(w=word, y=year)) is None


@given(st.sampled_from(["others", "Others", "et al.", "et al"]))
def test_and_others_marks_a_truncated_list_and_is_no_person(name):
    record = Record("A Real Title", "l.bib", 3, "bibtex", authors=[Person("Nagel", "Markus"), Person(name)])
    checked, reported = checks.check(record)
    assert [a.family for a in checked.authors] == ["Nagel"] and checked.authors_truncated and reported == []


@given(st.sampled_from(["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "ftp://x.org/a.pdf", "//x.org"]))
def test_only_http_urls_stay_links(url):
    record = Record("A Real Title", "l.md", 3, "test", links={"url": [url], "code": ["https://github.com/a/b"]})
    checked, reported = checks.check(record)
    assert checked.links == {"code": ["https://github.com/a/b"]}
    assert [p.message for p in reported] == [f"link '{url[:80]}' dropped: not an http(s) URL"]


def test_a_junk_venue_is_dropped_and_reported_and_the_record_keeps_the_rest():
    record = Record("Grids for Outliers", "l.md", 7, "test", venue="arXiv:2412.14363v1 [cs.LG]", year=2024)
    checked, reported = checks.check(record)
    assert (checked.title, checked.venue, checked.year, checked.arxiv) == ("Grids for Outliers", "", 2024, "2412.14363")
    assert [str(p) for p in reported] == ["l.md:7: venue 'arXiv:2412.14363v1 [cs.LG]' dropped: an arXiv id, not a venue"]


def test_an_underscored_venue_is_read_as_a_shorthand():
    checked, reported = checks.check(Record("Sparse Kernels", "l.md", 1, "test", venue="MLSys24_BestPaper"))
    assert (checked.venue, checked.year, reported) == ("MLSys", 2024, [])


def test_a_record_titled_with_a_link_word_is_no_paper():
    checked, reported = checks.check(Record("Github", "l.md", 4, "test", venue="ICML", year=2020))
    assert checked is None and "l.md:4: title 'Github' rejected (a link word" in str(reported[0])


@given(st.sampled_from(["NeurIPS", "ICML", "ACM Trans. Des. Autom. Electron. Syst.", "arXiv", "IEEE/CVF CVPR", "Neurocomputing"]))
def test_real_venues_pass(venue):
    assert checks.venue_problem(venue) is None


title_words = st.lists(st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=2, max_size=10), min_size=2, max_size=6)


@given(title_words, st.lists(st.sampled_from([":fire:231", ":star:12", "[PyTorch]", "[[tensorflow]]", ":126:", "🔥", "[ ]",
                                               "![badge](https://img.shields.io/badge/a-b-blue)"]), min_size=1, max_size=3))
def test_badges_counts_and_code_labels_never_stay_in_a_title(words, decorations):
    title = " ".join(words)
    assert tx.clean_title(title + "".join(decorations)) == title


@given(words, words, st.sampled_from(["\x1b[31m", "\x1b]0;owned\x07", "\x00", "\x07", "\x9b", "\x7f", "\x0b"]))
def test_control_characters_leave_list_values_and_are_reported(first, second, control):
    record = Record(title=f"{first}{control} Quantization of {second}", file="l.md", line=7, layout="t",
                    authors=[Person(f"Ng{control}", "A")], venue=f"ICML{control}", year=2023)
    checked, reported = checks.check(record)
    assert checked is not None
    for value in (checked.title, checked.venue, checked.authors[0].family):
        assert not any(ord(c) < 32 or 0x7f <= ord(c) <= 0x9f for c in value)
        assert "owned" not in value and "[31m" not in value
    assert checked.title == f"{first} Quantization of {second}" and checked.venue == "ICML" and checked.authors[0].family == "Ng"
    assert {p.message.split(":")[0] for p in reported} == {"title", "venue", "authors"}
    assert all(p.file == "l.md" and p.line == 7 for p in reported)

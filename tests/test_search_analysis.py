"""Search text analysis: folding, stop words, French + English stems, safe query parsing."""

import pytest

from agora.search.analysis import MAX_QUERY_CHARS, ParsedQuery, analyse, detect_language, stems


def test_accents_and_case_are_folded():
    assert analyse("Réunion") == analyse("reunion") == analyse("REUNION")


def test_each_word_gets_its_french_and_english_stems():
    # What Snowball really does: French "développeurs" and "développeur" share a stem...
    assert set(stems("developpeurs")) & set(stems("developpeur"))
    # ...but "développeuse" stems to "developp" (like "développement"), not "developpeur".
    assert "developp" in stems("developpeuse")
    assert "developp" in stems("developpement")
    assert not set(stems("developpeuse")) & set(stems("developpeur"))
    # English plurals and verb forms.
    assert "meet" in stems("meetings") and "meet" in stems("meeting")
    assert "run" in stems("running") and "run" in stems("run")


def test_stop_words_are_dropped_in_both_languages():
    assert analyse("the meeting of les développeurs et the team") == [
        *stems("meeting"),
        *stems("developpeurs"),
        *stems("team"),
    ]


def test_language_detection_is_a_cheap_guess():
    assert detect_language("Nous avons une réunion avec les équipes pour le projet") == "fr"
    assert detect_language("We have a meeting with the teams about the project") == "en"
    assert detect_language("Kubernetes", default="fr") == "fr"


@pytest.mark.parametrize(
    "raw",
    [
        '"',
        "*",
        "-x",
        "a OR b",
        "(a) AND (b)",
        "'; DROP TABLE search_searchdocument; --",
        "NEAR(a b)",
        "title:foo ^bar",
        "x" * 5000,
        "\x00null",
        "",
        "   ",
    ],
)
def test_operators_never_survive_into_engine_syntax(raw):
    q = ParsedQuery(raw)
    for group in q.groups:
        for term in group:
            assert term.isalnum()
    assert len(q.raw) <= MAX_QUERY_CHARS
    fts = q.fts5()
    # Outside the quoted terms, only our own operators and parentheses appear.
    outside = fts.replace(" OR ", " ").replace(" AND ", " ")
    for group in q.groups:
        for term in group:
            outside = outside.replace(f'"{term}"', "")
    assert set(outside) <= {"(", ")", " "}


def test_only_stop_words_is_an_empty_query():
    assert ParsedQuery("the and or le la").empty
    assert ParsedQuery("").empty


def test_quoted_phrases_are_kept_for_the_boost():
    q = ParsedQuery('"Réunion d\'équipe" lundi')
    assert q.phrases == ["reunion d equipe"]

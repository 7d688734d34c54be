"""G4 unit test of the gateway's erasure page: the confirmation's typed-name check."""

from gateway.gdpr.web import same_name


def test_g4_typed_name_must_match_ignoring_case_and_spaces():
    assert same_name("  åsa   жукова ", "Åsa Жукова")
    assert not same_name("Åsa", "Åsa Жукова")
    assert not same_name(None, "Åsa")

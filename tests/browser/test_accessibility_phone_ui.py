"""Issue 13 item 10 at 390 px: every main page in Finnish and English on a phone, checked as
tests/browser/test_accessibility_ui.py checks the desktop (axe-core, no sideways scrolling, named card
lines; screenshots in $PIIRI_SCREENS). Its own file so the two halves run in the two shards side by side."""

import pytest

from tests.browser import test_accessibility_ui as desktop

pytestmark = pytest.mark.browser

# The same system as the desktop half: LimeSurvey's emulator and the import and export workers running.
limesurvey_settings = desktop.limesurvey_settings
system = desktop.system


@pytest.mark.timeout(300)
def test_issue13_10_every_main_page_passes_axe_and_fits_a_phone_in_finnish_and_english(system, browser):
    desktop.check_views(system, browser, desktop.PHONE_VIEWS)

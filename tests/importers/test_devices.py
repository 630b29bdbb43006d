"""Device names from the FIT profile (issue #24): words, never "garmin 4024" or "zwift 0"."""

from __future__ import annotations

import pytest

from loadwatch.importers import parse_activity
from loadwatch.importers.devices import device_name, product_label
from loadwatch.importers.fit_products import GARMIN_PRODUCTS, MANUFACTURERS
from tests.conftest import CORPUS, ROOT  # the corpus: ../shared/corpus or $LOADWATCH_TEST_CORPUS


def test_the_generated_tables_match_the_sdk_profile() -> None:
    from garmin_fit_sdk import Profile  # a dev dependency: the generator's source

    types = Profile["types"]
    assert {int(k): v for k, v in types["manufacturer"].items()} == MANUFACTURERS
    assert {int(k): v for k, v in types["garmin_product"].items()} == GARMIN_PRODUCTS
    header = (ROOT / "loadwatch" / "importers" / "fit_products.py").read_text()[:400]
    assert "scripts/gen_fit_products.py" in header


@pytest.mark.parametrize(
    ("manufacturer", "product", "product_name", "expected"),
    [
        ("garmin", 4024, None, "Garmin Forerunner 955"),  # a number fitparse's profile lacks
        (1, 3843, None, "Garmin Edge 1040"),
        (294, 3113, "APEX Pro", "COROS APEX Pro"),  # maker 294 is COROS; the file names it
        ("zwift", 0, None, "Zwift"),  # no product list: the maker alone, not "zwift 0"
        (265, 1161, None, "Strava"),
        ("garmin", "fr935", None, "Garmin Forerunner 935"),
        (None, None, None, None),
    ],
    ids=["fr955", "edge1040", "coros", "zwift", "strava", "fitparse-name", "nothing"],
)
def test_device_names_are_words(
    manufacturer: object, product: object, product_name: str | None, expected: str | None
) -> None:
    assert device_name(manufacturer, product, product_name) == expected


def test_product_labels_read_as_model_names() -> None:
    assert product_label("fenix7s") == "Fenix 7S"
    assert product_label("fr945_lte") == "Forerunner 945 LTE"


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("polyvertex__fitdecode/tests/files/garmin-fr935-cr.fit", "Garmin Forerunner 935"),
        ("dtcooper__python-fitparse/tests/files/null_compressed_speed_dist.fit", "Zwift"),
        ("dtcooper__python-fitparse/tests/files/2019-02-17-062644-ELEMNT-297E-195-0.fit", "Wahoo"),
    ],
    ids=["garmin", "zwift", "wahoo"],
)
def test_real_files_name_their_devices_in_words(path: str, expected: str) -> None:
    if not (CORPUS / "MANIFEST.csv").exists():
        pytest.skip(f"the shared corpus is absent (expected at {CORPUS})")
    file = CORPUS / path
    assert {a.device for a in parse_activity(file.read_bytes(), file.name)} == {expected}
